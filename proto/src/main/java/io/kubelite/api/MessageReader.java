package io.kubelite.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a JSON tree to a protobuf message the way Kubernetes decodes JSON, rather than the way
 * proto3's JsonFormat does: only JSON names are accepted (a proto name such as {@code node_name} is
 * an unknown field, as in Kubernetes), unknown fields are dropped and their paths collected, null
 * means unset, wrong types fail with the field path, and {@code google.protobuf.Value} fields are
 * int-or-string (see {@link IntOrString}).
 *
 * <p>One instance reads one document; it is not thread-safe.
 */
final class MessageReader {

  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final List<String> unknownFields = new ArrayList<>();
  private final Map<Descriptor, Map<String, FieldDescriptor>> fieldsByJsonName = new HashMap<>();

  List<String> unknownFields() {
    return unknownFields;
  }

  void mergeObject(JsonNode node, Message.Builder builder, String path) {
    if (!node.isObject()) {
      throw typeError(path, "an object", node);
    }
    Map<String, FieldDescriptor> fields = fieldsOf(builder.getDescriptorForType());
    FieldDescriptor restField = FieldSchema.unstructuredRest(builder.getDescriptorForType());
    com.fasterxml.jackson.databind.node.ObjectNode rest = null;
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String childPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
      FieldDescriptor field = fields.get(entry.getKey());
      if (field != null && field == restField) {
        field = null; // its JSON name is no member of the object: "content" is content's own
      }
      if (field == null && restField != null) {
        if (rest == null) {
          rest = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        rest.set(entry.getKey(), entry.getValue()); // kept as sent, null members too
      } else if (field == null) {
        unknownFields.add(childPath);
      } else if (!entry.getValue().isNull()) {
        mergeField(field, entry.getValue(), builder, childPath);
      }
    }
    if (rest != null) {
      builder.setField(restField, rest.toString());
    }
  }

  private Map<String, FieldDescriptor> fieldsOf(Descriptor descriptor) {
    return fieldsByJsonName.computeIfAbsent(
        descriptor,
        d -> {
          Map<String, FieldDescriptor> byName = new HashMap<>();
          d.getFields().forEach(f -> byName.put(f.getJsonName(), f));
          return byName;
        });
  }

  private void mergeField(
      FieldDescriptor field, JsonNode value, Message.Builder builder, String path) {
    if (field.isMapField()) {
      readMap(field, value, builder, path);
    } else if (field.isRepeated()) {
      if (!value.isArray()) {
        throw typeError(path, "a list", value);
      }
      for (int i = 0; i < value.size(); i++) {
        builder.addRepeatedField(
            field, element(field, value.get(i), builder, path + "[" + i + "]"));
      }
    } else {
      if (field.getRealContainingOneof() != null
          && builder.hasOneof(field.getRealContainingOneof())) {
        throw new ApiJsonException(
            path,
            "only one of the fields of '"
                + field.getRealContainingOneof().getName()
                + "' may be set");
      }
      builder.setField(field, single(field, value, builder, path));
    }
  }

  private void readMap(
      FieldDescriptor field, JsonNode value, Message.Builder builder, String path) {
    if (!value.isObject()) {
      throw typeError(path, "an object", value);
    }
    Descriptor entryType = field.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByName("key");
    FieldDescriptor valueField = entryType.findFieldByName("value");
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (e.getValue().isNull()) {
        continue;
      }
      String entryPath = path + "[" + e.getKey() + "]";
      Message.Builder entry = builder.newBuilderForField(field);
      entry.setField(keyField, mapKey(keyField, e.getKey(), entryPath));
      entry.setField(valueField, single(valueField, e.getValue(), entry, entryPath));
      builder.addRepeatedField(field, entry.build());
    }
  }

  private Object element(
      FieldDescriptor field, JsonNode value, Message.Builder parent, String path) {
    if (value.isNull()) {
      // Go decodes a null list element to the element type's zero value.
      return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          ? parent.newBuilderForField(field).build()
          : field.getDefaultValue();
    }
    return single(field, value, parent, path);
  }

  private Object single(
      FieldDescriptor field, JsonNode value, Message.Builder parent, String path) {
    switch (field.getJavaType()) {
      case MESSAGE:
        return message(parent.newBuilderForField(field), value, path);
      case STRING:
        if (!value.isTextual()) {
          throw typeError(path, "a string", value);
        }
        return value.textValue();
      case BOOLEAN:
        if (!value.isBoolean()) {
          throw typeError(path, "a boolean", value);
        }
        return value.booleanValue();
      case INT:
        return integer(field, value, path).intValue();
      case LONG:
        return integer(field, value, path).longValue();
      case FLOAT:
        return (float) floating(value, path);
      case DOUBLE:
        return floating(value, path);
      case BYTE_STRING:
        return bytes(value, path);
      case ENUM:
        return enumValue(field, value, path);
      default:
        throw new IllegalStateException("unhandled field type " + field.getJavaType());
    }
  }

  private Message message(Message.Builder builder, JsonNode value, String path) {
    String type = builder.getDescriptorForType().getFullName();
    switch (type) {
      case "google.protobuf.Timestamp":
        return timestamp(value, path);
      case "google.protobuf.Value":
        Value v = jsonValue(value);
        String problem = IntOrString.problem(v);
        if (problem != null) {
          throw new ApiJsonException(path, problem);
        }
        return v;
      default:
        if (type.startsWith("google.protobuf.")) {
          return wellKnown(builder, value, path);
        }
        mergeObject(value, builder, path);
        return builder.build();
    }
  }

  private static Message timestamp(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw typeError(path, "an RFC 3339 timestamp string", value);
    }
    try {
      return Timestamps.parse(value.textValue());
    } catch (ParseException e) {
      throw new ApiJsonException(
          path,
          "expected an RFC 3339 timestamp such as "
              + "\"2024-05-01T10:00:00Z\", got "
              + describe(value),
          e);
    }
  }

  /** Other well-known types have no Kubernetes-specific form; JsonFormat knows theirs. */
  private static Message wellKnown(Message.Builder builder, JsonNode value, String path) {
    try {
      JsonFormat.parser().merge(value.toString(), builder);
      return builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ApiJsonException(
          path, "invalid " + builder.getDescriptorForType().getName() + ": " + e.getMessage(), e);
    }
  }

  static Value jsonValue(JsonNode node) {
    Value.Builder v = Value.newBuilder();
    if (node.isNull()) {
      v.setNullValue(NullValue.NULL_VALUE);
    } else if (node.isTextual()) {
      v.setStringValue(node.textValue());
    } else if (node.isNumber()) {
      v.setNumberValue(node.doubleValue());
    } else if (node.isBoolean()) {
      v.setBoolValue(node.booleanValue());
    } else if (node.isArray()) {
      ListValue.Builder list = ListValue.newBuilder();
      node.forEach(element -> list.addValues(jsonValue(element)));
      v.setListValue(list);
    } else {
      Struct.Builder struct = Struct.newBuilder();
      node.properties().forEach(e -> struct.putFields(e.getKey(), jsonValue(e.getValue())));
      v.setStructValue(struct);
    }
    return v.build();
  }

  /**
   * JSON numbers with no fraction; for 64-bit fields also the decimal strings proto3 JSON prints
   * for them, so that text from other proto3 printers still reads.
   */
  private static BigInteger integer(FieldDescriptor field, JsonNode value, String path) {
    String expected = "an integer (" + field.getType().name().toLowerCase() + ")";
    BigInteger n;
    if (value.isIntegralNumber()) {
      n = value.bigIntegerValue();
    } else if (value.isNumber()) {
      BigDecimal d = value.decimalValue();
      if (d.stripTrailingZeros().scale() > 0) {
        throw typeError(path, expected, value);
      }
      n = d.toBigInteger();
    } else if (value.isTextual()
        && field.getJavaType() == FieldDescriptor.JavaType.LONG
        && value.textValue().matches("-?[0-9]{1,20}")) {
      n = new BigInteger(value.textValue());
    } else {
      throw typeError(path, expected, value);
    }
    BigInteger[] range = range(field.getType());
    if (n.compareTo(range[0]) < 0 || n.compareTo(range[1]) > 0) {
      throw new ApiJsonException(
          path,
          "value "
              + n
              + " is out of range for "
              + field.getType().name().toLowerCase()
              + " ["
              + range[0]
              + ", "
              + range[1]
              + "]");
    }
    return n;
  }

  private static BigInteger[] range(FieldDescriptor.Type type) {
    switch (type) {
      case UINT32:
      case FIXED32:
        return new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)};
      case UINT64:
      case FIXED64:
        return new BigInteger[] {BigInteger.ZERO, UINT64_MAX};
      case INT64:
      case SINT64:
      case SFIXED64:
        return new BigInteger[] {
          BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)
        };
      default:
        return new BigInteger[] {
          BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)
        };
    }
  }

  private static double floating(JsonNode value, String path) {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual()) {
      switch (value.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw typeError(path, "a number", value);
  }

  private static ByteString bytes(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw typeError(path, "a base64 string", value);
    }
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(value.textValue()));
    } catch (IllegalArgumentException e) {
      throw new ApiJsonException(path, "expected base64 data: " + e.getMessage(), e);
    }
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value, String path) {
    EnumValueDescriptor found = null;
    if (value.isTextual()) {
      found = field.getEnumType().findValueByName(value.textValue());
    } else if (value.canConvertToExactIntegral() && value.canConvertToInt()) {
      found = field.getEnumType().findValueByNumber(value.intValue());
    }
    if (found == null) {
      throw typeError(path, "one of the values of " + field.getEnumType().getName(), value);
    }
    return found;
  }

  private static Object mapKey(FieldDescriptor keyField, String key, String path) {
    try {
      switch (keyField.getJavaType()) {
        case STRING:
          return key;
        case INT:
          return Integer.parseInt(key);
        case LONG:
          return Long.parseLong(key);
        case BOOLEAN:
          if (key.equals("true") || key.equals("false")) {
            return Boolean.parseBoolean(key);
          }
          throw new NumberFormatException();
        default:
          throw new IllegalStateException("unhandled map key type " + keyField.getJavaType());
      }
    } catch (NumberFormatException e) {
      throw new ApiJsonException(
          path, "map key is not a " + keyField.getType().name().toLowerCase());
    }
  }

  private static ApiJsonException typeError(String path, String expected, JsonNode actual) {
    return new ApiJsonException(path, "expected " + expected + ", got " + describe(actual));
  }

  /** A short description of a JSON value for error messages. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return "string \"" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "\"";
    }
    if (node.isNumber()) {
      return "number " + node.asText();
    }
    if (node.isBoolean()) {
      return "boolean " + node.asText();
    }
    return node.isArray() ? "a list" : "an object";
  }
}
