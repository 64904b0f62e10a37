package io.kubelite.api.labels;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One requirement on a label set, with the semantics of Kubernetes' {@code
 * k8s.io/apimachinery/pkg/labels}: {@code NotIn}, {@code !=} and {@code DoesNotExist} hold for a
 * missing key; {@code Gt} and {@code Lt} compare the label as an integer with their single value
 * and never hold for a missing or non-integer label. Immutable.
 *
 * @param key the label key
 * @param operator how the label is compared
 * @param values the values (one for the equality and numeric operators, none for the existence
 *     ones)
 */
public record Requirement(String key, Operator operator, Set<String> values) {
  /**
   * The operators of label selectors (string syntax and metav1.LabelSelector) and node selectors.
   */
  public enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST,
    EQUALS,
    NOT_EQUALS,
    GT,
    LT;

    /**
     * The operator of a {@code matchExpressions} entry ({@code In}, {@code NotIn}, {@code Exists},
     * {@code DoesNotExist}; {@code Gt} and {@code Lt} only where {@code numeric}, i.e. in node
     * selectors), or null for anything else.
     */
    public static Operator ofExpression(String op, boolean numeric) {
      return switch (op) {
        case "In" -> IN;
        case "NotIn" -> NOT_IN;
        case "Exists" -> EXISTS;
        case "DoesNotExist" -> DOES_NOT_EXIST;
        case "Gt" -> numeric ? GT : null;
        case "Lt" -> numeric ? LT : null;
        default -> null;
      };
    }
  }

  public Requirement {
    values = Set.copyOf(values);
  }

  /** An equality requirement ({@code key=value}), as a {@code matchLabels} entry is. */
  public static Requirement equal(String key, String value) {
    return new Requirement(key, Operator.EQUALS, Set.of(value));
  }

  /**
   * A {@code matchExpressions} entry; null when the operator is not one of the expression operators
   * (see {@link Operator#ofExpression}) or a numeric one lacks a single integer value: such an
   * entry can match nothing.
   */
  public static Requirement ofExpression(
      String key, String op, List<String> values, boolean numeric) {
    Operator o = Operator.ofExpression(op, numeric);
    if (o == null) {
      return null;
    }
    if ((o == Operator.GT || o == Operator.LT)
        && (values.size() != 1 || parseLong(values.get(0)) == null)) {
      return null;
    }
    return new Requirement(key, o, Set.copyOf(values));
  }

  /** True when {@code labels} satisfy this requirement. */
  public boolean matches(Map<String, String> labels) {
    String v = labels.get(key);
    return switch (operator) {
      case IN, EQUALS -> v != null && values.contains(v);
      case NOT_IN, NOT_EQUALS -> v == null || !values.contains(v);
      case EXISTS -> v != null;
      case DOES_NOT_EXIST -> v == null;
      case GT, LT -> {
        Long n = v == null ? null : parseLong(v);
        long bound = parseLong(values.iterator().next());
        yield n != null && (operator == Operator.GT ? n > bound : n < bound);
      }
    };
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
