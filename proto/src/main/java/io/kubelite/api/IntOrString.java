package io.kubelite.api;

import com.google.protobuf.Value;

/**
 * Kubernetes' IntOrString ({@code port: 8080} or {@code port: http}) carried in a {@link Value},
 * which is how the .proto files model it so that JSON keeps the number or the string as the user
 * wrote it.
 *
 * <p>A valid int-or-string is a {@code Value} holding either a string or a whole number in the
 * 32-bit signed range (Kubernetes' IntOrString is an int32). Anything else (a fraction, a boolean,
 * a list, a struct, null, or an unset {@code Value}) is rejected by {@link #validate} with an
 * {@link IllegalArgumentException} saying what it was.
 */
public final class IntOrString {

  private IntOrString() {}

  /** A numeric int-or-string. */
  public static Value of(int value) {
    return Value.newBuilder().setNumberValue(value).build();
  }

  /** A named int-or-string, such as a container port name. */
  public static Value of(String value) {
    if (value == null) {
      throw new IllegalArgumentException("int-or-string must not be null");
    }
    return Value.newBuilder().setStringValue(value).build();
  }

  /**
   * Returns {@code value} if it is a valid int-or-string.
   *
   * @throws IllegalArgumentException naming what the value was instead
   */
  public static Value validate(Value value) {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return value;
  }

  /** Whether {@code value} is a valid int-or-string holding a number. */
  public static boolean isInt(Value value) {
    return validate(value).getKindCase() == Value.KindCase.NUMBER_VALUE;
  }

  /**
   * The number held.
   *
   * @throws IllegalArgumentException if invalid or holding a string
   */
  public static int intValue(Value value) {
    if (!isInt(value)) {
      throw new IllegalArgumentException(
          "int-or-string holds the string \"" + value.getStringValue() + "\", not a number");
    }
    return (int) value.getNumberValue();
  }

  /**
   * The string held.
   *
   * @throws IllegalArgumentException if invalid or holding a number
   */
  public static String stringValue(Value value) {
    if (isInt(value)) {
      throw new IllegalArgumentException(
          "int-or-string holds the number " + (int) value.getNumberValue() + ", not a string");
    }
    return value.getStringValue();
  }

  /** The value as Kubernetes prints it in messages: {@code "8080"} or {@code "http"}. */
  public static String toString(Value value) {
    return isInt(value) ? Integer.toString(intValue(value)) : value.getStringValue();
  }

  /** Why {@code value} is not a valid int-or-string, or null if it is one. */
  static String problem(Value value) {
    if (value == null) {
      return "int-or-string must not be null";
    }
    switch (value.getKindCase()) {
      case STRING_VALUE:
        return null;
      case NUMBER_VALUE:
        double d = value.getNumberValue();
        if (d != Math.rint(d) || Double.isInfinite(d)) {
          return "int-or-string must be a whole number or a string, got the fraction " + d;
        }
        if (d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
          return "int-or-string number must fit in 32 bits, got " + (long) d;
        }
        return null;
      case BOOL_VALUE:
        return "int-or-string must be a whole number or a string, got the boolean "
            + value.getBoolValue();
      case STRUCT_VALUE:
        return "int-or-string must be a whole number or a string, got an object";
      case LIST_VALUE:
        return "int-or-string must be a whole number or a string, got a list";
      case NULL_VALUE:
        return "int-or-string must be a whole number or a string, got null";
      default:
        return "int-or-string is not set";
    }
  }
}
