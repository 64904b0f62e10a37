package io.kubelite.kinds.apps.statefulset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateStatefulSetStrategy;
import io.kubelite.api.StatefulSet;
import io.kubelite.api.StatefulSetOrdinals;
import io.kubelite.api.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.kubelite.api.StatefulSetSpec;
import io.kubelite.api.StatefulSetStatus;
import io.kubelite.api.StatefulSetUpdateStrategy;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The StatefulSet kind's defaulting, validation, update rules and columns as pure functions: no server, no etcd. */
class StatefulSetKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static StatefulSet sts(StatefulSetSpec.Builder spec) {
        return StatefulSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("default")
                        .setGeneration(1)
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 120)))
                .setSpec(spec.setServiceName("nginx")
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "nginx"))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "nginx"))
                                .setSpec(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("nginx")
                                                .setImage("registry.k8s.io/nginx-slim:0.21")))))
                .build();
    }

    private static StatefulSet defaults(StatefulSet s) {
        return StatefulSetKind.KIND.strategy().defaults(s);
    }

    private static List<FieldError> errors(StatefulSetSpec.Builder spec) {
        return StatefulSetKind.KIND.validateCreate(defaults(sts(spec)));
    }

    @Test
    void defaultsAreAppsV1s() {
        StatefulSetSpec s = defaults(sts(StatefulSetSpec.newBuilder())).getSpec();
        assertThat(s.getReplicas()).isEqualTo(1);
        assertThat(s.getPodManagementPolicy()).isEqualTo("OrderedReady");
        assertThat(s.getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(s.getUpdateStrategy().getRollingUpdate().hasPartition()).isTrue();
        assertThat(s.getUpdateStrategy().getRollingUpdate().getPartition()).isZero();
        assertThat(s.getUpdateStrategy().getRollingUpdate().hasMaxUnavailable()).isFalse();
        assertThat(s.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(s.getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
        assertThat(s.getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");
        assertThat(s.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
        // OnDelete gets no rollingUpdate block
        StatefulSetSpec onDelete = defaults(sts(StatefulSetSpec.newBuilder()
                        .setUpdateStrategy(
                                StatefulSetUpdateStrategy.newBuilder().setType("OnDelete"))))
                .getSpec();
        assertThat(onDelete.getUpdateStrategy().hasRollingUpdate()).isFalse();
        assertThat(StatefulSetKind.KIND.validateCreate(defaults(sts(StatefulSetSpec.newBuilder()))))
                .isEmpty();
    }

    @Test
    void validationSpeaksKubesMessages() {
        assertThat(errors(StatefulSetSpec.newBuilder().setReplicas(-1)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("spec.replicas", "Invalid value: -1: must be greater than or equal to 0"));
        assertThat(errors(StatefulSetSpec.newBuilder().setPodManagementPolicy("Random")))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.podManagementPolicy", "Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"));
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setUpdateStrategy(StatefulSetUpdateStrategy.newBuilder()
                                .setType("OnDelete")
                                .setRollingUpdate(RollingUpdateStatefulSetStrategy.newBuilder()))))
                .extracting(FieldError::field)
                .containsExactly("spec.updateStrategy.rollingUpdate");
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setUpdateStrategy(StatefulSetUpdateStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(RollingUpdateStatefulSetStrategy.newBuilder()
                                        .setPartition(-1)))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.updateStrategy.rollingUpdate.partition",
                        "Invalid value: -1: must be greater than or equal to 0"));
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setUpdateStrategy(StatefulSetUpdateStrategy.newBuilder()
                                .setType("RollingUpdate")
                                .setRollingUpdate(RollingUpdateStatefulSetStrategy.newBuilder()
                                        .setMaxUnavailable(IntOrString.of(0))))))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: 0: must be greater than 0");
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setUpdateStrategy(
                                StatefulSetUpdateStrategy.newBuilder().setType("BlueGreen"))))
                .extracting(FieldError::field)
                .containsExactly("spec.updateStrategy");
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setOrdinals(StatefulSetOrdinals.newBuilder().setStart(-1))))
                .extracting(FieldError::field)
                .containsExactly("spec.ordinals.start");
        assertThat(errors(StatefulSetSpec.newBuilder()
                        .setPersistentVolumeClaimRetentionPolicy(
                                StatefulSetPersistentVolumeClaimRetentionPolicy.newBuilder()
                                        .setWhenScaled("Keep"))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
                        "Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""));
        StatefulSet mismatch = sts(StatefulSetSpec.newBuilder());
        mismatch = mismatch.toBuilder()
                .setSpec(mismatch.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "other")))
                .build();
        assertThat(StatefulSetKind.KIND.validateCreate(defaults(mismatch)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.template.metadata.labels",
                        "Invalid value: \"map[app:nginx]\": `selector` does not match template `labels`"));
    }

    @Test
    void updatesMayChangeOnlyKubesListOfFields() {
        StatefulSet old = defaults(sts(StatefulSetSpec.newBuilder())).toBuilder()
                .setStatus(StatefulSetStatus.newBuilder().setReplicas(1))
                .build();
        StatefulSet scaled = old.toBuilder()
                .clearStatus()
                .setSpec(old.getSpec().toBuilder().setReplicas(5).setMinReadySeconds(3))
                .build();
        assertThat(StatefulSetKind.KIND.validateUpdate(scaled, old)).isEmpty();
        assertThat(StatefulSetKind.KIND
                        .strategy()
                        .prepareForUpdate(scaled, old)
                        .getStatus()
                        .getReplicas())
                .isEqualTo(1);
        StatefulSet renamed = old.toBuilder()
                .setSpec(old.getSpec().toBuilder().setServiceName("other"))
                .build();
        assertThat(StatefulSetKind.KIND.validateUpdate(renamed, old))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec",
                        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals',"
                                + " 'template', 'updateStrategy', 'revisionHistoryLimit',"
                                + " 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        assertThat(StatefulSetKind.KIND.strategy().prepareForCreate(old).hasStatus())
                .isFalse();
    }

    @Test
    void columnsAreKubectlsAndTheShortNameIsSts() {
        assertThat(Kinds.find("sts")).contains(StatefulSetKind.RESOURCE);
        assertThat(Kinds.find("statefulsets")).contains(StatefulSetKind.RESOURCE);
        assertThat(StatefulSetKind.RESOURCE.apiVersion()).isEqualTo("apps/v1");
        StatefulSet s = sts(StatefulSetSpec.newBuilder().setReplicas(3)).toBuilder()
                .setStatus(StatefulSetStatus.newBuilder().setReadyReplicas(2))
                .build();
        assertThat(StatefulSetKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly("Name", "Ready", "Age", "Containers", "Images");
        assertThat(StatefulSetKind.KIND.row(s, NOW, false)).containsExactly("web", "2/3", "2m");
        assertThat(StatefulSetKind.KIND.row(s, NOW, true))
                .containsExactly("web", "2/3", "2m", "nginx", "registry.k8s.io/nginx-slim:0.21");
        assertThat(StatefulSetKind.KIND.hasSubresource("scale")).isTrue();
        assertThat(StatefulSetKind.KIND.hasSubresource("status")).isTrue();
    }
}
