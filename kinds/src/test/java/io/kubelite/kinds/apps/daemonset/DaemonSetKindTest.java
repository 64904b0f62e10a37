package io.kubelite.kinds.apps.daemonset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.DaemonSet;
import io.kubelite.api.DaemonSetSpec;
import io.kubelite.api.DaemonSetStatus;
import io.kubelite.api.DaemonSetUpdateStrategy;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateDaemonSet;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DaemonSet kind's defaulting, validation, update rules and columns as pure functions: no server, no etcd. */
class DaemonSetKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static DaemonSet daemonSet(DaemonSetSpec.Builder spec) {
        return DaemonSet.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("fluentd")
                        .setNamespace("kube-system")
                        .setGeneration(1)
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 120)))
                .setSpec(spec.setSelector(LabelSelector.newBuilder().putMatchLabels("name", "fluentd"))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("name", "fluentd"))
                                .setSpec(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("fluentd")
                                                .setImage("fluentd:v2")))))
                .build();
    }

    private static List<FieldError> errors(DaemonSet d) {
        return DaemonSetKind.KIND.validateCreate(DaemonSetKind.KIND.strategy().defaults(d));
    }

    private static DaemonSetSpec.Builder rolling(Object surge, Object unavailable) {
        RollingUpdateDaemonSet.Builder ru = RollingUpdateDaemonSet.newBuilder();
        ru.setMaxSurge(surge instanceof Integer i ? IntOrString.of(i) : IntOrString.of((String) surge));
        ru.setMaxUnavailable(
                unavailable instanceof Integer i ? IntOrString.of(i) : IntOrString.of((String) unavailable));
        return DaemonSetSpec.newBuilder()
                .setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder()
                        .setType("RollingUpdate")
                        .setRollingUpdate(ru));
    }

    @Test
    void defaultsAreAppsV1s() {
        DaemonSet d = DaemonSetKind.KIND.strategy().defaults(daemonSet(DaemonSetSpec.newBuilder()));
        DaemonSetSpec s = d.getSpec();
        assertThat(s.getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(s.getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(IntOrString.of(1));
        assertThat(s.getUpdateStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(IntOrString.of(0));
        assertThat(s.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(s.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(DaemonSetKind.KIND.validateCreate(d)).isEmpty();
        DaemonSet onDelete = DaemonSetKind.KIND
                .strategy()
                .defaults(daemonSet(DaemonSetSpec.newBuilder()
                        .setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder().setType("OnDelete"))));
        assertThat(onDelete.getSpec().getUpdateStrategy().hasRollingUpdate()).isFalse();
    }

    @Test
    void validationSpeaksKubesMessages() {
        assertThat(errors(daemonSet(rolling(0, 0))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.updateStrategy.rollingUpdate.maxUnavailable",
                        "Required value: cannot be 0 when maxSurge is 0"));
        assertThat(errors(daemonSet(rolling(1, 1))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.updateStrategy.rollingUpdate.maxSurge",
                        "Invalid value: 1: may not be set when maxUnavailable is non-zero"));
        assertThat(errors(daemonSet(rolling(0, "110%"))))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"110%\": must not be greater than 100%");
        assertThat(errors(daemonSet(rolling("25%", 0)))).isEmpty();
        DaemonSet empty = daemonSet(DaemonSetSpec.newBuilder());
        empty = empty.toBuilder()
                .setSpec(empty.getSpec().toBuilder().setSelector(LabelSelector.newBuilder()))
                .build();
        assertThat(errors(empty))
                .extracting(FieldError::message)
                .contains("Invalid value: \"{}\": empty selector is invalid for daemonset");
        assertThat(errors(daemonSet(DaemonSetSpec.newBuilder()
                        .setUpdateStrategy(DaemonSetUpdateStrategy.newBuilder().setType("BlueGreen")))))
                .extracting(FieldError::field)
                .containsExactly("spec.updateStrategy");
        assertThat(errors(daemonSet(DaemonSetSpec.newBuilder().setMinReadySeconds(-1))))
                .extracting(FieldError::field)
                .containsExactly("spec.minReadySeconds");
    }

    @Test
    void templateGenerationStartsAtOneAndFollowsTemplateChanges() {
        var strategy = DaemonSetKind.KIND.strategy();
        DaemonSet created = strategy.prepareForCreate(strategy.defaults(daemonSet(DaemonSetSpec.newBuilder())));
        assertThat(DaemonSetKind.templateGeneration(created)).isEqualTo(1);
        DaemonSet same = strategy.prepareForUpdate(
                created.toBuilder()
                        .setSpec(created.getSpec().toBuilder().setMinReadySeconds(5))
                        .build(),
                created);
        assertThat(DaemonSetKind.templateGeneration(same)).isEqualTo(1);
        DaemonSet.Builder b = same.toBuilder();
        b.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .getContainersBuilder(0)
                .setImage("fluentd:v3");
        DaemonSet changed = strategy.prepareForUpdate(b.build(), same);
        assertThat(DaemonSetKind.templateGeneration(changed)).isEqualTo(2);
        DaemonSet moved = changed.toBuilder()
                .setSpec(changed.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("name", "other")))
                .build();
        assertThat(DaemonSetKind.KIND.validateUpdate(moved, changed))
                .extracting(FieldError::field)
                .contains("spec.selector");
    }

    @Test
    void columnsAreKubectlsAndTheShortNameIsDs() {
        DaemonSet d = daemonSet(DaemonSetSpec.newBuilder()).toBuilder()
                .setStatus(DaemonSetStatus.newBuilder()
                        .setDesiredNumberScheduled(3)
                        .setCurrentNumberScheduled(3)
                        .setNumberReady(2)
                        .setUpdatedNumberScheduled(3)
                        .setNumberAvailable(2))
                .build();
        d = d.toBuilder()
                .setSpec(d.getSpec().toBuilder()
                        .setTemplate(d.getSpec().getTemplate().toBuilder()
                                .setSpec(d.getSpec().getTemplate().getSpec().toBuilder()
                                        .putNodeSelector("kubernetes.io/os", "linux"))))
                .build();
        assertThat(DaemonSetKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly(
                        "Name",
                        "Desired",
                        "Current",
                        "Ready",
                        "Up-to-date",
                        "Available",
                        "Node Selector",
                        "Age",
                        "Containers",
                        "Images",
                        "Selector");
        assertThat(DaemonSetKind.KIND.row(d, NOW, false))
                .containsExactly("fluentd", "3", "3", "2", "3", "2", "kubernetes.io/os=linux", "2m");
        assertThat(DaemonSetKind.KIND.row(d, NOW, true)).endsWith("fluentd", "fluentd:v2", "name=fluentd");
        assertThat(DaemonSetKind.KIND.cells(d, NOW).get(1)).isEqualTo(3L);
        assertThat(Kinds.all()).contains(DaemonSetKind.KIND);
        assertThat(DaemonSetKind.RESOURCE.shortNames()).containsExactly("ds");
    }
}
