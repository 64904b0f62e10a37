package io.kubelite.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Converts API messages to and from Kubernetes JSON and YAML.
 *
 * <p>Reading follows Kubernetes' decoder: fields are matched by their Kubernetes JSON names,
 * unknown fields are dropped and reported (never an error), {@code null} leaves a field unset,
 * int-or-string fields take {@code 8080} or {@code "http"}, and a value of the wrong type is an
 * {@link ApiJsonException} whose message starts with the field path.
 *
 * <p>Writing follows Kubernetes' encoder: JSON names, default values omitted as proto3 does, 64-bit
 * integers as JSON numbers, RFC 3339 timestamps, sorted map keys.
 *
 * <p>All methods are thread-safe.
 */
public final class ApiJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("    ", "\n"))
              .withArrayIndenter(new DefaultIndenter("    ", "\n")));
  private static final ObjectWriter YAML =
      new YAMLMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                  .stringQuotingChecker(new Yaml11Quoting())
                  .build())
          .writer();

  private ApiJson() {}

  /**
   * Reads one JSON or YAML document (block or flow style) as the type of {@code prototype}.
   *
   * @param prototype any instance of the target type, usually {@code Pod.getDefaultInstance()}
   * @throws ApiJsonException if the text is malformed, holds other than one document, or a field
   *     has the wrong type
   */
  public static <T extends Message> Parsed<T> parse(String text, T prototype) {
    List<JsonNode> documents = documents(text);
    if (documents.size() != 1) {
      throw new ApiJsonException("", "expected exactly one document, found " + documents.size());
    }
    return parse(documents.get(0), prototype);
  }

  /**
   * Reads one document from {@link #documents} as the type of {@code prototype}.
   *
   * @throws ApiJsonException if the document is not an object or a field has the wrong type
   */
  public static <T extends Message> Parsed<T> parse(JsonNode document, T prototype) {
    MessageReader reader = new MessageReader();
    Message.Builder builder = prototype.newBuilderForType();
    reader.mergeObject(document, builder, "");
    @SuppressWarnings("unchecked") // newBuilderForType builds the prototype's own type
    T message = (T) builder.build();
    return new Parsed<>(message, reader.unknownFields());
  }

  /**
   * Splits text into its documents: one for JSON, one per non-empty {@code ---}-separated document
   * for YAML. Each is a JSON object; read its type with {@link TypeMeta#of}.
   *
   * @throws ApiJsonException if the text is malformed or a document is not an object
   */
  public static List<JsonNode> documents(String text) {
    return Documents.ANY.split(text);
  }

  /**
   * {@link #documents}, for text a client sent: held to {@link DocumentLimits} (depth, tokens, name
   * length), a breach refused with the limit's own wording.
   *
   * @throws ApiJsonException if the text is malformed, over a limit, or a document is not an object
   */
  public static List<JsonNode> requestDocuments(String text) {
    return Documents.REQUEST.split(text);
  }

  /** The message as a Jackson tree of Kubernetes JSON, for callers that embed it. */
  public static ObjectNode toTree(MessageOrBuilder message) {
    return MessageWriter.write(message);
  }

  /**
   * The JSON object a Struct field stands for (FieldsV1, RawExtension, unstructured content), keys
   * sorted, whole numbers without a fraction: as {@link #toTree} writes such a field.
   */
  public static ObjectNode structTree(com.google.protobuf.Struct struct) {
    return MessageWriter.struct(struct);
  }

  /** Compact Kubernetes JSON. */
  public static String toJson(MessageOrBuilder message) {
    return write(JSON.writer(), message);
  }

  /** Indented Kubernetes JSON, laid out as {@code kubectl get -o json} lays it out. */
  public static String toPrettyJson(MessageOrBuilder message) {
    return write(PRETTY, message);
  }

  /**
   * Block-style YAML, quoting only the strings that a YAML 1.1 reader such as Kubernetes' would
   * otherwise take for a number, boolean, null or timestamp.
   */
  public static String toYaml(MessageOrBuilder message) {
    return write(YAML, message);
  }

  /** {@link #toPrettyJson(MessageOrBuilder)} for a JSON tree (e.g. an API server response). */
  public static String toPrettyJson(JsonNode tree) {
    return write(PRETTY, tree);
  }

  /** {@link #toYaml(MessageOrBuilder)} for a JSON tree (e.g. an API server response). */
  public static String toYaml(JsonNode tree) {
    return write(YAML, tree);
  }

  private static String write(ObjectWriter writer, MessageOrBuilder message) {
    return write(writer, MessageWriter.write(message));
  }

  private static String write(ObjectWriter writer, JsonNode tree) {
    try {
      return writer.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      // Writing a tree we built ourselves to a String has no I/O to fail.
      throw new UncheckedIOException(e);
    }
  }
}
