package io.kubelite.kinds.apps.replicaset;

import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.ReplicaSet;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.PodTemplateValidation;
import java.util.Map;

/** kube's ReplicaSet strategy: one replica by default, a selector that matches the template and never changes. */
final class ReplicaSetStrategy implements Strategy<ReplicaSet> {

    @Override
    public ReplicaSet defaults(ReplicaSet rs) {
        ReplicaSet.Builder b = rs.toBuilder();
        if (!b.getSpec().hasReplicas()) {
            b.getSpecBuilder().setReplicas(1);
        }
        if (b.getSpec().hasTemplate()) {
            b.getSpecBuilder()
                    .getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(b.getSpec().getTemplate().getSpec()));
        }
        return b.build();
    }

    @Override
    public ReplicaSet prepareForUpdate(ReplicaSet rs, ReplicaSet old) {
        // the status has its own subresource; an unset one stays unset
        ReplicaSet.Builder b = rs.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(ReplicaSet rs, FieldErrors errs) {
        if (rs.getSpec().hasReplicas() && rs.getSpec().getReplicas() < 0) {
            errs.invalid("spec.replicas", rs.getSpec().getReplicas(), "must be greater than or equal to 0");
        }
        var sel = rs.getSpec().getSelector();
        if (sel.getMatchLabelsCount() == 0 && sel.getMatchExpressionsCount() == 0) {
            errs.required("spec.selector");
        } else {
            Map<String, String> labels =
                    rs.getSpec().getTemplate().getMetadata().getLabelsMap();
            boolean matches = sel.getMatchLabelsMap().entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
            if (!matches) {
                errs.invalid(
                        "spec.template.metadata.labels",
                        PodTemplateValidation.goMap(labels),
                        "`selector` does not match template `labels`");
            }
        }
        PodSpecValidation.validate(rs.getSpec().getTemplate().getSpec(), "spec.template.spec", errs);
    }

    @Override
    public void validateUpdate(ReplicaSet rs, ReplicaSet old, FieldErrors errs) {
        if (!old.getSpec().getSelector().equals(rs.getSpec().getSelector())) {
            errs.invalid(
                    "spec.selector",
                    "v1.LabelSelector" + rs.getSpec().getSelector().getMatchLabelsMap(),
                    "field is immutable");
        }
    }
}
