package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.junit.jupiter.api.Test;

class IntOrStringTest {

  @Test
  void numbers() {
    Value v = IntOrString.of(8080);
    assertThat(IntOrString.isInt(v)).isTrue();
    assertThat(IntOrString.intValue(v)).isEqualTo(8080);
    assertThat(IntOrString.toString(v)).isEqualTo("8080");
    assertThat(IntOrString.validate(v)).isSameAs(v);
    assertThat(IntOrString.intValue(IntOrString.of(Integer.MIN_VALUE)))
        .isEqualTo(Integer.MIN_VALUE);
    assertThatThrownBy(() -> IntOrString.stringValue(v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int-or-string holds the number 8080, not a string");
  }

  @Test
  void strings() {
    Value v = IntOrString.of("http");
    assertThat(IntOrString.isInt(v)).isFalse();
    assertThat(IntOrString.stringValue(v)).isEqualTo("http");
    assertThat(IntOrString.toString(v)).isEqualTo("http");
    // A numeric string stays a string, as in Kubernetes ("8080" names a port).
    assertThat(IntOrString.isInt(IntOrString.of("8080"))).isFalse();
    assertThatThrownBy(() -> IntOrString.intValue(v))
        .hasMessage("int-or-string holds the string \"http\", not a number");
    assertThatThrownBy(() -> IntOrString.of((String) null))
        .hasMessage("int-or-string must not be null");
  }

  @Test
  void rejectsEverythingElse() {
    assertThatThrownBy(() -> IntOrString.validate(Value.newBuilder().setNumberValue(1.5).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int-or-string must be a whole number or a string, got the fraction 1.5");
    assertThatThrownBy(() -> IntOrString.validate(Value.newBuilder().setNumberValue(1e10).build()))
        .hasMessage("int-or-string number must fit in 32 bits, got 10000000000");
    assertThatThrownBy(() -> IntOrString.isInt(Value.newBuilder().setBoolValue(true).build()))
        .hasMessage("int-or-string must be a whole number or a string, got the boolean true");
    assertThatThrownBy(
            () ->
                IntOrString.validate(
                    Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build()))
        .hasMessage("int-or-string must be a whole number or a string, got an object");
    assertThatThrownBy(
            () ->
                IntOrString.validate(
                    Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build()))
        .hasMessage("int-or-string must be a whole number or a string, got a list");
    assertThatThrownBy(
            () ->
                IntOrString.validate(Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build()))
        .hasMessage("int-or-string must be a whole number or a string, got null");
    assertThatThrownBy(() -> IntOrString.toString(Value.getDefaultInstance()))
        .hasMessage("int-or-string is not set");
    assertThatThrownBy(() -> IntOrString.validate(null))
        .hasMessage("int-or-string must not be null");
  }
}
