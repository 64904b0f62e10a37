package io.kubelite.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code apiVersion} and {@code kind} of a document, read without knowing its type, so a caller
 * can pick the message type to parse it as. Absent fields are "".
 */
public record TypeMeta(String apiVersion, String kind) {

  public TypeMeta {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
  }

  /**
   * Reads the type fields of one document from {@link ApiJson#documents}.
   *
   * @throws ApiJsonException if the document is not an object or a type field is not a string
   */
  public static TypeMeta of(JsonNode document) {
    if (document == null || !document.isObject()) {
      throw new ApiJsonException("", "expected an object, got " + MessageReader.describe(document));
    }
    return new TypeMeta(text(document, "apiVersion"), text(document, "kind"));
  }

  /** The API group: "apps" for "apps/v1", "" for the core group's "v1". */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** The version: "v1" for both "apps/v1" and "v1". */
  public String version() {
    return apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  private static String text(JsonNode document, String field) {
    JsonNode value = document.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new ApiJsonException(field, "expected a string, got " + MessageReader.describe(value));
    }
    return value.textValue();
  }
}
