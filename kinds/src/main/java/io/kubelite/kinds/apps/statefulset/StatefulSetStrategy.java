package io.kubelite.kinds.apps.statefulset;

import com.google.protobuf.Value;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetSpec;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.PodSpecValidation;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import io.kubelite.kinds.validation.PodTemplateValidation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's StatefulSet strategy ({@code pkg/registry/apps/statefulset}) with apps/v1's defaulting
 * ({@code SetDefaults_StatefulSet}: one replica, OrderedReady, RollingUpdate with partition 0,
 * revisionHistoryLimit 10, PVC retention Retain/Retain) and {@code ValidateStatefulSet} /
 * {@code ValidateStatefulSetUpdate}: the status is reset on create and kept on updates of the main
 * resource; of the spec only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds may change. maxUnavailable is not
 * defaulted (kube defaults it only behind the alpha MaxUnavailableStatefulSet gate).
 */
final class StatefulSetStrategy implements Strategy<StatefulSet> {
    static final String ORDERED_READY = "OrderedReady";
    static final String PARALLEL = "Parallel";
    static final String ROLLING_UPDATE = "RollingUpdate";
    static final String ON_DELETE = "OnDelete";
    static final String RETAIN = "Retain";
    static final String DELETE = "Delete";
    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
    private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending"
            + " '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    private static final String UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas',"
            + " 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit',"
            + " 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    @Override
    public StatefulSet defaults(StatefulSet s) {
        StatefulSet.Builder b = s.toBuilder();
        var spec = b.getSpecBuilder();
        if (spec.getPodManagementPolicy().isEmpty()) {
            spec.setPodManagementPolicy(ORDERED_READY);
        }
        var us = spec.getUpdateStrategyBuilder();
        if (us.getType().isEmpty()) {
            us.setType(ROLLING_UPDATE);
        }
        if (us.getType().equals(ROLLING_UPDATE)) {
            var ru = us.getRollingUpdateBuilder();
            if (!ru.hasPartition()) {
                ru.setPartition(0);
            }
        }
        var retention = spec.getPersistentVolumeClaimRetentionPolicyBuilder();
        if (retention.getWhenDeleted().isEmpty()) {
            retention.setWhenDeleted(RETAIN);
        }
        if (retention.getWhenScaled().isEmpty()) {
            retention.setWhenScaled(RETAIN);
        }
        if (!spec.hasReplicas()) {
            spec.setReplicas(1);
        }
        if (!spec.hasRevisionHistoryLimit()) {
            spec.setRevisionHistoryLimit(10);
        }
        if (spec.hasTemplate()) {
            spec.getTemplateBuilder()
                    .setSpec(PodSpecDefaults.scheme(spec.getTemplate().getSpec()));
        }
        // kube's scheme defaults each claim template as a claim: volumeMode Filesystem, phase Pending
        for (var claim : spec.getVolumeClaimTemplatesBuilderList()) {
            if (!claim.getSpec().hasVolumeMode()) {
                claim.getSpecBuilder().setVolumeMode("Filesystem");
            }
            if (claim.getStatus().getPhase().isEmpty()) {
                claim.getStatusBuilder().setPhase("Pending");
            }
        }
        return b.build();
    }

    @Override
    public StatefulSet prepareForCreate(StatefulSet s) {
        return s.toBuilder().clearStatus().build();
    }

    @Override
    public StatefulSet prepareForUpdate(StatefulSet s, StatefulSet old) {
        StatefulSet.Builder b = s.toBuilder();
        if (old.hasStatus()) {
            b.setStatus(old.getStatus());
        } else {
            b.clearStatus();
        }
        return b.build();
    }

    @Override
    public void validate(StatefulSet s, FieldErrors errs) {
        StatefulSetSpec spec = s.getSpec();
        switch (spec.getPodManagementPolicy()) {
            case "" -> errs.required("spec.podManagementPolicy", "");
            case ORDERED_READY, PARALLEL -> {}
            default ->
                errs.invalid(
                        "spec.podManagementPolicy",
                        spec.getPodManagementPolicy(),
                        "must be 'OrderedReady' or 'Parallel'");
        }
        validateUpdateStrategy(spec, errs);
        validateRetention(spec, errs);
        // kube leaves the templates to the claims' own validation when the controller creates them;
        // kubelite's controller writes claims straight to etcd, so a bad template is refused here
        for (int i = 0; i < spec.getVolumeClaimTemplatesCount(); i++) {
            var claim = spec.getVolumeClaimTemplates(i);
            String path = "spec.volumeClaimTemplates[" + i + "]";
            errs.invalidIf(
                    path + ".metadata.name",
                    claim.getMetadata().getName(),
                    claim.getMetadata().getName().isEmpty()
                            ? "name is required"
                            : Names.dns1123LabelError(claim.getMetadata().getName()));
            PersistentVolumeClaimKind.validateSpec(claim.getSpec(), path + ".spec", errs);
        }
        nonNegative(
                spec.hasRevisionHistoryLimit() ? spec.getRevisionHistoryLimit() : 0, "spec.revisionHistoryLimit", errs);
        nonNegative(spec.hasReplicas() ? spec.getReplicas() : 0, "spec.replicas", errs);
        nonNegative(spec.getMinReadySeconds(), "spec.minReadySeconds", errs);
        nonNegative(spec.getOrdinals().getStart(), "spec.ordinals.start", errs);
        if (!spec.hasSelector()) {
            errs.required("spec.selector", "");
        } else {
            PodTemplateValidation.selectorMatches(
                    spec.getSelector(), spec.getTemplate().getMetadata().getLabelsMap(), "statefulset", errs);
        }
        PodTemplateValidation.alwaysRunning(spec.getTemplate().getSpec(), "StatefulSet", errs);
        PodSpecValidation.validateStatefulSetTemplate(spec.getTemplate().getSpec(), "spec.template.spec", errs);
    }

    /** kube's checks of {@code spec.updateStrategy} in {@code ValidateStatefulSetSpec}. */
    private static void validateUpdateStrategy(StatefulSetSpec spec, FieldErrors errs) {
        var us = spec.getUpdateStrategy();
        switch (us.getType()) {
            case "" -> errs.required("spec.updateStrategy", "");
            case ON_DELETE -> {
                if (us.hasRollingUpdate()) {
                    errs.invalid(
                            "spec.updateStrategy.rollingUpdate",
                            "{}",
                            "only allowed for updateStrategy '" + ROLLING_UPDATE + "'");
                }
            }
            case ROLLING_UPDATE -> {
                if (!us.hasRollingUpdate()) {
                    return;
                }
                var ru = us.getRollingUpdate();
                nonNegative(ru.getPartition(), "spec.updateStrategy.rollingUpdate.partition", errs);
                if (ru.hasMaxUnavailable()) {
                    Value v = ru.getMaxUnavailable();
                    String f = "spec.updateStrategy.rollingUpdate.maxUnavailable";
                    if (v.hasStringValue()
                            && !PERCENT.matcher(v.getStringValue()).matches()) {
                        errs.invalid(f, v.getStringValue(), PERCENT_MSG);
                    } else if (v.hasNumberValue() && v.getNumberValue() < 0) {
                        errs.invalid(f, (long) v.getNumberValue(), "must be greater than or equal to 0");
                    } else if (value(v) == 0) {
                        errs.invalid(f, render(v), "must be greater than 0");
                    } else if (v.hasStringValue() && value(v) > 100) {
                        errs.invalid(f, v.getStringValue(), "must not be greater than 100%");
                    }
                }
            }
            default ->
                errs.invalid(
                        "spec.updateStrategy", us.getType(), "must be '" + ROLLING_UPDATE + "' or '" + ON_DELETE + "'");
        }
    }

    private static void validateRetention(StatefulSetSpec spec, FieldErrors errs) {
        var p = spec.getPersistentVolumeClaimRetentionPolicy();
        for (String[] f : new String[][] {{"whenDeleted", p.getWhenDeleted()}, {"whenScaled", p.getWhenScaled()}}) {
            if (!f[1].equals(RETAIN) && !f[1].equals(DELETE)) {
                errs.notSupported("spec.persistentVolumeClaimRetentionPolicy." + f[0], f[1], List.of(RETAIN, DELETE));
            }
        }
    }

    private static void nonNegative(long v, String field, FieldErrors errs) {
        if (v < 0) {
            errs.invalid(field, v, "must be greater than or equal to 0");
        }
    }

    private static long value(Value v) {
        if (v.hasNumberValue()) {
            return (long) v.getNumberValue();
        }
        String s = v.getStringValue();
        try {
            return Long.parseLong(s.substring(0, s.length() - 1));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Object render(Value v) {
        return v.hasNumberValue() ? (Object) (long) v.getNumberValue() : v.getStringValue();
    }

    @Override
    public void validateUpdate(StatefulSet s, StatefulSet old, FieldErrors errs) {
        StatefulSetSpec a = s.getSpec().toBuilder()
                .clearReplicas()
                .clearOrdinals()
                .clearTemplate()
                .clearUpdateStrategy()
                .clearRevisionHistoryLimit()
                .clearPersistentVolumeClaimRetentionPolicy()
                .clearMinReadySeconds()
                .build();
        StatefulSetSpec b = old.getSpec().toBuilder()
                .clearReplicas()
                .clearOrdinals()
                .clearTemplate()
                .clearUpdateStrategy()
                .clearRevisionHistoryLimit()
                .clearPersistentVolumeClaimRetentionPolicy()
                .clearMinReadySeconds()
                .build();
        if (!a.equals(b)) {
            errs.forbidden("spec", UPDATE_FORBIDDEN);
        }
    }
}
