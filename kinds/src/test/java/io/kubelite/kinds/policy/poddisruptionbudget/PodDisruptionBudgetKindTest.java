package io.kubelite.kinds.policy.poddisruptionbudget;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.IntOrString;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodDisruptionBudgetSpec;
import io.kubelite.api.PodDisruptionBudgetStatus;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The PodDisruptionBudget kind's strategy and columns as pure functions: no server, no etcd. */
class PodDisruptionBudgetKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static PodDisruptionBudget pdb(PodDisruptionBudgetSpec.Builder spec) {
        return PodDisruptionBudget.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web")
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 300)))
                .setSpec(spec.setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web")))
                .build();
    }

    @Test
    void columnsAreKubectlsWithNaForTheUnsetBound() {
        assertThat(Kinds.find("pdb")).contains(PodDisruptionBudgetKind.RESOURCE);
        assertThat(PodDisruptionBudgetKind.RESOURCE.apiVersion()).isEqualTo("policy/v1");
        PodDisruptionBudget p = pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of(2))).toBuilder()
                .setStatus(PodDisruptionBudgetStatus.newBuilder().setDisruptionsAllowed(1))
                .build();
        assertThat(PodDisruptionBudgetKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
        assertThat(PodDisruptionBudgetKind.KIND.row(p, NOW, false)).containsExactly("web", "2", "N/A", "1", "5m");
        PodDisruptionBudget pct = pdb(PodDisruptionBudgetSpec.newBuilder().setMaxUnavailable(IntOrString.of("25%")));
        assertThat(PodDisruptionBudgetKind.KIND.row(pct, NOW, false)).containsExactly("web", "N/A", "25%", "0", "5m");
    }

    @Test
    void validBudgetsPass() {
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(
                        pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of("100%")))))
                .isEmpty();
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(pdb(PodDisruptionBudgetSpec.newBuilder()
                        .setMaxUnavailable(IntOrString.of(0))
                        .setUnhealthyPodEvictionPolicy("AlwaysAllow"))))
                .isEmpty();
    }

    @Test
    void bothBoundsBadPercentagesNegativesPoliciesAndOperatorsAreInvalid() {
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(pdb(PodDisruptionBudgetSpec.newBuilder()
                        .setMinAvailable(IntOrString.of(1))
                        .setMaxUnavailable(IntOrString.of(1)))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec",
                        "Invalid value: \"{minAvailable: 1, maxUnavailable: 1}\": minAvailable and maxUnavailable"
                                + " cannot be both set"));
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(
                        pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of("120%")))))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"120%\": must not be greater than 100%");
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(
                        pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of("half")))))
                .extracting(FieldError::message)
                .allMatch(m -> m.contains("a valid percent string must be a numeric string followed by an ending"));
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(
                        pdb(PodDisruptionBudgetSpec.newBuilder().setMaxUnavailable(IntOrString.of(-1)))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.maxUnavailable", "Invalid value: -1: must be greater than or equal to 0"));
        PodDisruptionBudget badPolicy = pdb(PodDisruptionBudgetSpec.newBuilder()
                .setMinAvailable(IntOrString.of(1))
                .setUnhealthyPodEvictionPolicy("Sometimes"));
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(badPolicy))
                .extracting(FieldError::message)
                .containsExactly(
                        "Unsupported value: \"Sometimes\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\"");
        PodDisruptionBudget badOp =
                pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of(1))).toBuilder()
                        .setSpec(PodDisruptionBudgetSpec.newBuilder()
                                .setSelector(LabelSelector.newBuilder()
                                        .addMatchExpressions(LabelSelectorRequirement.newBuilder()
                                                .setKey("app")
                                                .setOperator("Near"))))
                        .build();
        assertThat(PodDisruptionBudgetKind.KIND.validateCreate(badOp))
                .extracting(FieldError::field)
                .containsExactly("spec.selector.matchExpressions[0].operator");
    }

    @Test
    void createResetsTheStatusAndUpdatesKeepTheStoredOne() {
        var s = PodDisruptionBudgetKind.KIND.strategy();
        PodDisruptionBudget withStatus =
                pdb(PodDisruptionBudgetSpec.newBuilder().setMinAvailable(IntOrString.of(1))).toBuilder()
                        .setStatus(PodDisruptionBudgetStatus.newBuilder().setDisruptionsAllowed(5))
                        .build();
        assertThat(s.prepareForCreate(withStatus).hasStatus()).isFalse();
        PodDisruptionBudget clientCopy = withStatus.toBuilder().clearStatus().build();
        assertThat(s.prepareForUpdate(clientCopy, withStatus).getStatus().getDisruptionsAllowed())
                .isEqualTo(5);
    }
}
