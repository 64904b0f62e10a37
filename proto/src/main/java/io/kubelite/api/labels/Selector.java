package io.kubelite.api.labels;

import io.kubelite.api.LabelSelector;
import io.kubelite.api.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A label selector compiled once: its requirements ANDed, each with {@link Requirement}'s
 * semantics. The one matcher every kubelite component uses (the API server's {@code labelSelector}
 * parameter, ReplicaSets and Services, the scheduler's topology spread and node affinity).
 * Immutable and thread-safe.
 */
public final class Selector {
  private static final Selector EVERYTHING = new Selector(List.of(), true);
  private static final Selector NOTHING = new Selector(List.of(), false);

  private final List<Requirement> requirements;
  private final boolean emptyMatches;

  private Selector(List<Requirement> requirements, boolean emptyMatches) {
    this.requirements = List.copyOf(requirements);
    this.emptyMatches = emptyMatches;
  }

  /** Selects every label set (an empty selector). */
  public static Selector everything() {
    return EVERYTHING;
  }

  /** Selects no label set (a missing or invalid selector). */
  public static Selector nothing() {
    return NOTHING;
  }

  /** All of {@code requirements}; none selects everything. */
  public static Selector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new Selector(requirements, true);
  }

  /**
   * A {@code metav1.LabelSelector}: {@code matchLabels} and {@code matchExpressions} ANDed. An
   * empty one selects everything, as {@code metav1.LabelSelectorAsSelector} does (callers for which
   * that is wrong, like the ReplicaSet controller, check {@link #isEmpty(LabelSelector)} first);
   * one with an operator outside In/NotIn/Exists/DoesNotExist selects nothing.
   */
  public static Selector of(LabelSelector s) {
    List<Requirement> reqs =
        new ArrayList<>(s.getMatchLabelsCount() + s.getMatchExpressionsCount());
    s.getMatchLabelsMap().forEach((k, v) -> reqs.add(Requirement.equal(k, v)));
    for (LabelSelectorRequirement r : s.getMatchExpressionsList()) {
      Requirement req =
          Requirement.ofExpression(r.getKey(), r.getOperator(), r.getValuesList(), false);
      if (req == null) {
        return NOTHING;
      }
      reqs.add(req);
    }
    return of(reqs);
  }

  /**
   * Equality with every pair of {@code labels} ({@code labels.SelectorFromSet}); an empty map
   * selects everything.
   */
  public static Selector ofMap(Map<String, String> labels) {
    List<Requirement> reqs = new ArrayList<>(labels.size());
    labels.forEach((k, v) -> reqs.add(Requirement.equal(k, v)));
    return of(reqs);
  }

  /** True when the protobuf selector has neither matchLabels nor matchExpressions. */
  public static boolean isEmpty(LabelSelector s) {
    return s.getMatchLabelsCount() == 0 && s.getMatchExpressionsCount() == 0;
  }

  /**
   * This selector and equality with every pair of {@code labels} (topology spread's
   * matchLabelKeys).
   */
  public Selector and(Map<String, String> labels) {
    if (labels.isEmpty() || this == NOTHING) {
      return this;
    }
    List<Requirement> reqs = new ArrayList<>(requirements);
    labels.forEach((k, v) -> reqs.add(Requirement.equal(k, v)));
    return new Selector(reqs, true);
  }

  /** True when {@code labels} satisfy every requirement. */
  public boolean matches(Map<String, String> labels) {
    if (requirements.isEmpty()) {
      return emptyMatches;
    }
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  @Override
  public String toString() {
    return this == NOTHING ? "<nothing>" : requirements.toString();
  }
}
