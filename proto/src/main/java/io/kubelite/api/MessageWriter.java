package io.kubelite.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a message into the JSON tree Kubernetes would send: JSON names, fields at their proto3
 * default omitted (fields with explicit presence print when set, even to zero), 64-bit integers as
 * JSON numbers rather than proto3's strings (kubectl and fabric8 reject {@code "generation": "1"}),
 * whole int-or-string numbers without a fraction ({@code 8080}, not {@code 8080.0}), map keys
 * sorted as Go's encoder sorts them, and timestamps in RFC 3339 (MicroTime fields, marked {@code
 * (micro_time)} in the proto, with exactly six fractional digits as Go's MicroTime marshals them).
 */
final class MessageWriter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private MessageWriter() {}

  static ObjectNode write(MessageOrBuilder message) {
    ObjectNode object = NODES.objectNode();
    // In declaration order, which is the Go struct's (Kubernetes' JSON order), not by number:
    // the numbers are Kubernetes' protobuf numbers, and apiVersion and kind come first in JSON.
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isRepeated()
          ? message.getRepeatedFieldCount(field) == 0
          : !message.hasField(field)) {
        continue;
      }
      Object value = message.getField(field);
      if (FieldSchema.unstructuredRest(field)) {
        object.setAll(rest(field, (String) value));
        continue;
      }
      if (field.isMapField()) {
        object.set(field.getJsonName(), map(field, (List<?>) value));
      } else if (field.isRepeated()) {
        ArrayNode array = object.putArray(field.getJsonName());
        ((List<?>) value).forEach(element -> array.add(single(field, element)));
      } else {
        object.set(field.getJsonName(), single(field, value));
      }
    }
    return object;
  }

  /**
   * The members an {@code (unstructured_rest)} field holds; they were checked as JSON when read.
   */
  private static ObjectNode rest(FieldDescriptor field, String json) {
    if (json.isEmpty()) {
      return NODES.objectNode();
    }
    try {
      JsonNode tree = JSON.readTree(json);
      if (!tree.isObject()) {
        throw new IllegalStateException(field.getFullName() + " holds no JSON object");
      }
      return (ObjectNode) tree;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(field.getFullName() + " holds no JSON: " + e.getMessage(), e);
    }
  }

  private static ObjectNode map(FieldDescriptor field, List<?> entries) {
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    Map<String, JsonNode> sorted = new TreeMap<>();
    for (Object e : entries) {
      Message entry = (Message) e;
      sorted.put(
          String.valueOf(entry.getField(keyField)), single(valueField, entry.getField(valueField)));
    }
    ObjectNode object = NODES.objectNode();
    sorted.forEach(object::set);
    return object;
  }

  private static JsonNode single(FieldDescriptor field, Object value) {
    switch (field.getType()) {
      case MESSAGE:
      case GROUP:
        if (FieldSchema.microTime(field)) {
          return NODES.textNode(microTime((Timestamp) value));
        }
        return message((Message) value);
      case STRING:
        return NODES.textNode((String) value);
      case BOOL:
        return NODES.booleanNode((Boolean) value);
      case INT32:
      case SINT32:
      case SFIXED32:
        return NODES.numberNode((Integer) value);
      case UINT32:
      case FIXED32:
        return NODES.numberNode(Integer.toUnsignedLong((Integer) value));
      case INT64:
      case SINT64:
      case SFIXED64:
        return NODES.numberNode((Long) value);
      case UINT64:
      case FIXED64:
        long bits = (Long) value;
        return bits >= 0
            ? NODES.numberNode(bits)
            : NODES.numberNode(new BigInteger(Long.toUnsignedString(bits)));
      case FLOAT:
        return number(((Float) value).doubleValue());
      case DOUBLE:
        return number((Double) value);
      case BYTES:
        return NODES.textNode(
            Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM:
        EnumValueDescriptor e = (EnumValueDescriptor) value;
        return e.getIndex() >= 0 ? NODES.textNode(e.getName()) : NODES.numberNode(e.getNumber());
      default:
        throw new IllegalStateException("unhandled field type " + field.getType());
    }
  }

  /**
   * Go's {@code 2006-01-02T15:04:05.000000Z07:00} in UTC: always six digits, truncated as Go
   * truncates.
   */
  static String microTime(Timestamp ts) {
    Instant t = Instant.ofEpochSecond(ts.getSeconds(), (ts.getNanos() / 1000) * 1000L);
    return MICRO.format(t);
  }

  private static JsonNode message(Message message) {
    String type = message.getDescriptorForType().getFullName();
    switch (type) {
      case "google.protobuf.Timestamp":
        return NODES.textNode(Timestamps.toString((Timestamp) message));
      case "google.protobuf.Value":
        return value((Value) message);
      case "google.protobuf.Struct":
        return struct((Struct) message);
      case "google.protobuf.ListValue":
        return list((ListValue) message);
      default:
        return type.startsWith("google.protobuf.") ? wellKnown(message) : write(message);
    }
  }

  private static JsonNode value(Value value) {
    switch (value.getKindCase()) {
      case NUMBER_VALUE:
        return number(value.getNumberValue());
      case STRING_VALUE:
        return NODES.textNode(value.getStringValue());
      case BOOL_VALUE:
        return NODES.booleanNode(value.getBoolValue());
      case STRUCT_VALUE:
        return struct(value.getStructValue());
      case LIST_VALUE:
        return list(value.getListValue());
      default:
        return NODES.nullNode();
    }
  }

  static ObjectNode struct(Struct struct) {
    ObjectNode object = NODES.objectNode();
    new TreeMap<>(struct.getFieldsMap()).forEach((k, v) -> object.set(k, value(v)));
    return object;
  }

  private static ArrayNode list(ListValue list) {
    ArrayNode array = NODES.arrayNode();
    list.getValuesList().forEach(v -> array.add(value(v)));
    return array;
  }

  /** Whole numbers print without a fraction so that Go can decode them into ints. */
  private static JsonNode number(double d) {
    if (Double.isNaN(d)) {
      return NODES.textNode("NaN");
    }
    if (Double.isInfinite(d)) {
      return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
    }
    if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      return NODES.numberNode((long) d);
    }
    return NODES.numberNode(d);
  }

  private static JsonNode wellKnown(Message message) {
    try {
      return JSON.readTree(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }
}
