package io.kubelite.kinds.apps.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.DeploymentStatus;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.RollingUpdateDeployment;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Deployment kind's defaulting, validation, update rules and columns as pure functions: no server, no etcd. */
class DeploymentKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static Deployment deployment(DeploymentSpec.Builder spec) {
        return Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("default")
                        .setGeneration(1)
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 120)))
                .setSpec(spec.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                                .setSpec(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("nginx")
                                                .setImage("nginx:1.25")))))
                .build();
    }

    private static List<FieldError> errors(Deployment d) {
        return DeploymentKind.KIND.validateCreate(DeploymentKind.KIND.strategy().defaults(d));
    }

    @Test
    void defaultsAreAppsV1s() {
        Deployment d = DeploymentKind.KIND.strategy().defaults(deployment(DeploymentSpec.newBuilder()));
        DeploymentSpec s = d.getSpec();
        assertThat(s.getReplicas()).isEqualTo(1);
        assertThat(s.getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(s.getStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(IntOrString.of("25%"));
        assertThat(s.getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(IntOrString.of("25%"));
        assertThat(s.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(s.getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(s.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(DeploymentKind.KIND.validateCreate(d)).isEmpty();
        // Recreate gets no rollingUpdate block; an explicit one stays as given
        Deployment r = DeploymentKind.KIND
                .strategy()
                .defaults(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(
                                io.kubelite.api.DeploymentStrategy.newBuilder().setType("Recreate"))));
        assertThat(r.getSpec().getStrategy().hasRollingUpdate()).isFalse();
        Deployment one = DeploymentKind.KIND
                .strategy()
                .defaults(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(io.kubelite.api.DeploymentStrategy.newBuilder()
                                .setRollingUpdate(
                                        RollingUpdateDeployment.newBuilder().setMaxSurge(IntOrString.of(1))))));
        assertThat(one.getSpec().getStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(IntOrString.of(1));
        assertThat(one.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(IntOrString.of("25%"));
    }

    @Test
    void validationSpeaksKubesMessages() {
        assertThat(errors(deployment(DeploymentSpec.newBuilder().setReplicas(-1))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("spec.replicas", "Invalid value: -1: must be greater than or equal to 0"));
        Deployment mismatch = deployment(DeploymentSpec.newBuilder()).toBuilder()
                .setSpec(deployment(DeploymentSpec.newBuilder()).getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "other")))
                .build();
        assertThat(errors(mismatch))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.template.metadata.labels",
                        "Invalid value: \"map[app:web]\": `selector` does not match template `labels`"));
        Deployment empty = mismatch.toBuilder()
                .setSpec(mismatch.getSpec().toBuilder().setSelector(LabelSelector.newBuilder()))
                .build();
        assertThat(errors(empty))
                .extracting(FieldError::message)
                .contains("Invalid value: \"{}\": empty selector is" + " invalid for deployment");
        assertThat(errors(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(io.kubelite.api.DeploymentStrategy.newBuilder()
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.of(0))
                                        .setMaxUnavailable(IntOrString.of("0%")))))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        "Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"));
        assertThat(errors(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(io.kubelite.api.DeploymentStrategy.newBuilder()
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder()
                                        .setMaxUnavailable(IntOrString.of("110%")))))))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"110%\": must not be greater than 100%");
        assertThat(errors(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(io.kubelite.api.DeploymentStrategy.newBuilder()
                                .setRollingUpdate(
                                        RollingUpdateDeployment.newBuilder().setMaxSurge(IntOrString.of("lots")))))))
                .extracting(FieldError::field)
                .containsExactly("spec.strategy.rollingUpdate.maxSurge");
        assertThat(errors(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(io.kubelite.api.DeploymentStrategy.newBuilder()
                                .setType("Recreate")
                                .setRollingUpdate(RollingUpdateDeployment.newBuilder())))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.strategy.rollingUpdate",
                        "Forbidden: may not be specified when strategy `type` is 'Recreate'"));
        assertThat(errors(deployment(DeploymentSpec.newBuilder()
                        .setStrategy(
                                io.kubelite.api.DeploymentStrategy.newBuilder().setType("BlueGreen")))))
                .extracting(FieldError::field)
                .containsExactly("spec.strategy.type");
        assertThat(errors(deployment(
                        DeploymentSpec.newBuilder().setMinReadySeconds(30).setProgressDeadlineSeconds(30))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "spec.progressDeadlineSeconds", "Invalid value: 30: must be greater than minReadySeconds"));
        assertThat(errors(deployment(DeploymentSpec.newBuilder().setRevisionHistoryLimit(-2))))
                .extracting(FieldError::field)
                .containsExactly("spec.revisionHistoryLimit");
    }

    @Test
    void updatesKeepTheStatusBumpOnAnnotationsAndKeepTheSelector() {
        Deployment old = DeploymentKind.KIND.strategy().defaults(deployment(DeploymentSpec.newBuilder())).toBuilder()
                .setStatus(DeploymentStatus.newBuilder().setReplicas(1))
                .build();
        Deployment in = old.toBuilder()
                .clearStatus()
                .setMetadata(old.getMetadata().toBuilder().putAnnotations("kubernetes.io/change-cause", "x"))
                .build();
        Deployment out = DeploymentKind.KIND.strategy().prepareForUpdate(in, old);
        assertThat(out.getStatus().getReplicas()).isEqualTo(1);
        assertThat(out.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(DeploymentKind.KIND
                        .strategy()
                        .prepareForUpdate(old, old)
                        .getMetadata()
                        .getGeneration())
                .isEqualTo(1);
        Deployment reselected = old.toBuilder()
                .setSpec(old.getSpec().toBuilder()
                        .setSelector(LabelSelector.newBuilder()
                                .putMatchLabels("app", "web")
                                .putMatchLabels("tier", "x")))
                .build();
        assertThat(DeploymentKind.KIND.validateUpdate(reselected, old))
                .extracting(FieldError::field)
                .contains("spec.selector");
        assertThat(DeploymentKind.KIND.strategy().prepareForCreate(old).hasStatus())
                .isFalse();
    }

    @Test
    void columnsAreKubectlsAndTheShortNameIsDeploy() {
        assertThat(Kinds.find("deploy")).contains(DeploymentKind.RESOURCE);
        assertThat(Kinds.find("deployments")).contains(DeploymentKind.RESOURCE);
        assertThat(DeploymentKind.RESOURCE.apiVersion()).isEqualTo("apps/v1");
        Deployment d = deployment(DeploymentSpec.newBuilder().setReplicas(3)).toBuilder()
                .setStatus(DeploymentStatus.newBuilder()
                        .setReadyReplicas(2)
                        .setUpdatedReplicas(3)
                        .setAvailableReplicas(2))
                .build();
        assertThat(DeploymentKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector");
        assertThat(DeploymentKind.KIND.row(d, NOW, false)).containsExactly("web", "2/3", "3", "2", "2m");
        assertThat(DeploymentKind.KIND.row(d, NOW, true))
                .containsExactly("web", "2/3", "3", "2", "2m", "nginx", "nginx:1.25", "app=web");
        assertThat(DeploymentKind.KIND.cells(d, NOW).get(2)).isEqualTo(3L);
        assertThat(DeploymentKind.KIND.hasSubresource("scale")).isTrue();
        assertThat(DeploymentKind.KIND.hasSubresource("status")).isTrue();
    }
}
