package io.kubelite.api.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' label-selector semantics (apimachinery's labels package), in one matcher. */
class SelectorTest {
  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "rank", "7");

  private static LabelSelectorRequirement expr(String key, String op, String... values) {
    return LabelSelectorRequirement.newBuilder()
        .setKey(key)
        .setOperator(op)
        .addAllValues(List.of(values))
        .build();
  }

  @Test
  void matchLabelsAndExpressionsAreAnded() {
    LabelSelector s =
        LabelSelector.newBuilder()
            .putMatchLabels("app", "web")
            .addMatchExpressions(expr("tier", "In", "front", "back"))
            .build();
    assertThat(Selector.of(s).matches(WEB)).isTrue();
    assertThat(Selector.of(s).matches(Map.of("app", "web", "tier", "db"))).isFalse();
    assertThat(Selector.of(s).matches(Map.of("tier", "front"))).isFalse();
  }

  @Test
  void negativeOperatorsHoldForAMissingKey() {
    assertThat(
            Selector.of(
                    LabelSelector.newBuilder()
                        .addMatchExpressions(expr("env", "NotIn", "prod"))
                        .build())
                .matches(WEB))
        .isTrue();
    assertThat(
            Selector.of(
                    LabelSelector.newBuilder()
                        .addMatchExpressions(expr("env", "DoesNotExist"))
                        .build())
                .matches(WEB))
        .isTrue();
    assertThat(
            Selector.of(
                    LabelSelector.newBuilder().addMatchExpressions(expr("app", "Exists")).build())
                .matches(WEB))
        .isTrue();
    assertThat(
            new Requirement("env", Requirement.Operator.NOT_EQUALS, java.util.Set.of("prod"))
                .matches(WEB))
        .isTrue();
    assertThat(
            new Requirement("app", Requirement.Operator.NOT_EQUALS, java.util.Set.of("web"))
                .matches(WEB))
        .isFalse();
  }

  @Test
  void anEmptySelectorSelectsEverythingAndAnInvalidOperatorNothing() {
    assertThat(Selector.of(LabelSelector.getDefaultInstance()).matches(Map.of())).isTrue();
    assertThat(Selector.isEmpty(LabelSelector.getDefaultInstance())).isTrue();
    assertThat(Selector.ofMap(Map.of()).matches(WEB)).isTrue();
    // Gt is for node selectors only: in a label selector it is invalid, and an invalid selector
    // selects nothing
    Selector invalid =
        Selector.of(
            LabelSelector.newBuilder().addMatchExpressions(expr("rank", "Gt", "1")).build());
    assertThat(invalid.matches(WEB)).isFalse();
    assertThat(invalid.matches(Map.of())).isFalse();
    assertThat(Selector.nothing().and(Map.of("a", "b")).matches(Map.of("a", "b"))).isFalse();
  }

  @Test
  void numericOperatorsCompareIntegersAndNeverMatchAMissingOrNonIntegerLabel() {
    Requirement gt = Requirement.ofExpression("rank", "Gt", List.of("5"), true);
    Requirement lt = Requirement.ofExpression("rank", "Lt", List.of("5"), true);
    assertThat(gt.matches(WEB)).isTrue();
    assertThat(lt.matches(WEB)).isFalse();
    assertThat(gt.matches(Map.of())).isFalse();
    assertThat(lt.matches(Map.of("rank", "high"))).isFalse();
    assertThat(Requirement.ofExpression("rank", "Gt", List.of("5", "6"), true))
        .as("one value only")
        .isNull();
    assertThat(Requirement.ofExpression("rank", "Gt", List.of("x"), true))
        .as("an integer value")
        .isNull();
    assertThat(Requirement.ofExpression("rank", "Gt", List.of("5"), false))
        .as("label selectors have no Gt")
        .isNull();
  }

  @Test
  void andAddsEqualityRequirements() {
    Selector s = Selector.ofMap(Map.of("app", "web")).and(Map.of("tier", "front"));
    assertThat(s.matches(WEB)).isTrue();
    assertThat(s.matches(Map.of("app", "web", "tier", "back"))).isFalse();
    assertThat(Selector.everything().and(Map.of("tier", "back")).matches(WEB)).isFalse();
  }
}
