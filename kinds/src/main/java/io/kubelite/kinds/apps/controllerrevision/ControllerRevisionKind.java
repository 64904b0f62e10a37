package io.kubelite.kinds.apps.controllerrevision;

import io.kubelite.api.ControllerRevision;
import io.kubelite.api.OwnerReference;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;

/**
 * ControllerRevisions ({@code apps/v1}, namespaced): immutable snapshots of a StatefulSet's or
 * DaemonSet's pod template, one per revision, which {@code kubectl rollout history|undo sts|ds}
 * read. kube's
 * {@code ValidateControllerRevision} (revision not negative) and
 * {@code ValidateControllerRevisionUpdate} (data immutable); kube's columns NAME, CONTROLLER,
 * REVISION, AGE.
 */
public final class ControllerRevisionKind {
    public static final Resource<ControllerRevision> RESOURCE = new Resource<>(
            "apps",
            "v1",
            "ControllerRevision",
            "controllerrevisions",
            true,
            ControllerRevision.getDefaultInstance(),
            List.of());

    private static final Strategy<ControllerRevision> STRATEGY = new Strategy<>() {
        @Override
        public void validate(ControllerRevision r, FieldErrors errs) {
            if (r.getRevision() < 0) {
                errs.invalid("revision", r.getRevision(), "must be greater than or equal to 0");
            }
        }

        @Override
        public void validateUpdate(ControllerRevision r, ControllerRevision old, FieldErrors errs) {
            if (!r.getData().equals(old.getData())) {
                errs.invalid("data", "", "field is immutable");
            }
        }
    };

    private static final List<Column<ControllerRevision>> COLUMNS = List.of(
            Cells.name(ControllerRevision::getMetadata),
            Column.of(
                    "Controller",
                    "string",
                    "Controller of the object",
                    (r, now) -> r.getMetadata().getOwnerReferencesList().stream()
                            .filter(OwnerReference::getController)
                            .findFirst()
                            .map(ControllerRevisionKind::controllerName)
                            .orElse("<none>")),
            Column.of(
                    "Revision",
                    "integer",
                    "Revision indicates the revision of the state represented by Data.",
                    (r, now) -> r.getRevision()),
            Cells.age(ControllerRevision::getMetadata));

    public static final Kind<ControllerRevision> KIND =
            Kind.of(RESOURCE).strategy(STRATEGY).columns(COLUMNS).build();

    /** kube's {@code formatResourceName} of the controller: {@code statefulset.apps/web}. */
    private static String controllerName(OwnerReference ref) {
        String av = ref.getApiVersion();
        String group = av.contains("/") ? av.substring(0, av.indexOf('/')) : "";
        return (ref.getKind() + (group.isEmpty() ? "" : "." + group)).toLowerCase() + "/" + ref.getName();
    }

    private ControllerRevisionKind() {}
}
