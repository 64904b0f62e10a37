package io.kubelite.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Splits JSON or YAML text into documents. Text that starts with '{' or '[' is read as one JSON
 * document first, since JSON errors are clearer; if that fails it is read as YAML (flow-style YAML
 * also starts with '{'). Empty YAML documents are skipped.
 *
 * <p>A client's text ({@link #REQUEST}) is held to {@link DocumentLimits} in both readings; a text
 * over a limit is refused with the limit's own wording and is not read the other way, since the
 * other reading would only fail later with a less clear message. Other text ({@link #ANY}: stored
 * objects, whose managed fields nest a few levels deeper than the object a client sent) keeps
 * Jackson's own bounds. YAML aliases are refused in both ({@link YamlGuard}).
 */
final class Documents {

  /** Text from anywhere (stored objects, files, the server's answers): Jackson's own bounds. */
  static final Documents ANY = new Documents(StreamReadConstraints.defaults(), false);

  /** A client's request body: held to {@link DocumentLimits}, a breach worded by them. */
  static final Documents REQUEST = new Documents(DocumentLimits.constraints(), true);

  private final ObjectReader json;
  private final ObjectReader yaml;
  private final int maxNameLength;
  private final boolean worded;

  private Documents(StreamReadConstraints constraints, boolean worded) {
    this.json =
        new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readerFor(JsonNode.class);
    this.yaml = new YAMLMapper(DocumentLimits.yamlFactory(constraints)).readerFor(JsonNode.class);
    this.maxNameLength = constraints.getMaxNameLength();
    this.worded = worded;
  }

  List<JsonNode> split(String text) {
    if (text == null) {
      throw new ApiJsonException("", "no document: the text is null");
    }
    String trimmed = text.strip();
    List<JsonNode> documents;
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        documents = List.of(json.readTree(trimmed));
      } catch (IOException jsonError) {
        refuseIfOverLimits(jsonError);
        try {
          documents = yaml(text);
        } catch (IOException yamlError) {
          refuseIfOverLimits(yamlError);
          // Report the reading that got further: it is more likely what the author meant.
          throw offset(yamlError) > offset(jsonError)
              ? malformed("YAML", yamlError)
              : malformed("JSON", jsonError);
        }
      }
    } else {
      try {
        documents = yaml(text);
      } catch (IOException yamlError) {
        refuseIfOverLimits(yamlError);
        throw malformed("YAML", yamlError);
      }
    }
    for (int i = 0; i < documents.size(); i++) {
      if (!documents.get(i).isObject()) {
        String where = documents.size() == 1 ? "" : "document " + (i + 1) + ": ";
        throw new ApiJsonException(
            "", where + "expected an object, got " + MessageReader.describe(documents.get(i)));
      }
    }
    return documents;
  }

  private List<JsonNode> yaml(String text) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        yaml.readValues(new YamlGuard((YAMLParser) yaml.createParser(text), maxNameLength))) {
      while (it.hasNextValue()) {
        JsonNode document = it.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (RuntimeException e) {
      // MappingIterator wraps parse errors in unchecked exceptions.
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
    return documents;
  }

  /** Throws the limit's own message when {@code e} is a breach of {@link DocumentLimits}. */
  private void refuseIfOverLimits(IOException e) {
    String limit = worded ? DocumentLimits.describe(e) : null;
    if (limit != null) {
      throw new ApiJsonException("", limit, e);
    }
    if (e instanceof YamlGuard.Refused r) {
      JsonLocation at = r.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ApiJsonException("", r.getOriginalMessage() + where, e);
    }
  }

  private static long offset(IOException e) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      return m.getProblemMark().getIndex();
    }
    JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
    return at == null ? -1 : at.getCharOffset();
  }

  private static ApiJsonException malformed(String format, IOException e) {
    String reason;
    String where = "";
    if (e.getCause() instanceof MarkedYAMLException m) {
      // SnakeYAML's own message repeats the source with a caret over several lines.
      reason =
          ParserMessages.readable(
              (m.getContext() == null ? "" : m.getContext() + ": ") + m.getProblem());
      if (m.getProblemMark() != null) {
        where =
            " at line "
                + (m.getProblemMark().getLine() + 1)
                + ", column "
                + (m.getProblemMark().getColumn() + 1);
      }
    } else {
      reason =
          ParserMessages.readable(
              e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage());
      JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
      if (at != null) {
        where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      }
    }
    return new ApiJsonException("", "malformed " + format + where + ": " + reason, e);
  }
}
