package io.kubelite.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;

/**
 * A YAML parser that refuses what Jackson's YAML parser lets through unchecked: aliases ({@code
 * *name}), which it would read as the plain string {@code name} (kube expands them; silently
 * different data is worse than a refusal, and expanding them is how a small "billion laughs" body
 * grows without bound), and field names longer than the read constraints allow, which Jackson
 * checks for JSON only.
 *
 * <p>Every way to advance the parser goes through {@link #nextToken()}, so no token escapes the
 * checks whichever method a deserializer calls.
 */
final class YamlGuard extends JsonParserDelegate {

  /** A refused YAML construct; its message is worded for a client. */
  static final class Refused extends JsonProcessingException {
    Refused(String message, JsonLocation at) {
      super(message, at);
    }
  }

  private final YAMLParser yaml;
  private final int maxNameLength;

  YamlGuard(YAMLParser yaml, int maxNameLength) {
    super(yaml);
    this.yaml = yaml;
    this.maxNameLength = maxNameLength;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    JsonToken t = yaml.nextToken();
    if (yaml.isCurrentAlias()) {
      throw new Refused(
          "YAML aliases are not supported (*" + yaml.getText() + ")", yaml.currentLocation());
    }
    if (t == JsonToken.FIELD_NAME && yaml.currentName().length() > maxNameLength) {
      throw new Refused(
          "a field name is longer than " + maxNameLength + " characters", yaml.currentLocation());
    }
    return t;
  }

  @Override
  public JsonToken nextValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.FIELD_NAME ? nextToken() : t;
  }

  @Override
  public String nextFieldName() throws IOException {
    return nextToken() == JsonToken.FIELD_NAME ? currentName() : null;
  }

  @Override
  public boolean nextFieldName(SerializableString name) throws IOException {
    return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(currentName());
  }

  @Override
  public String nextTextValue() throws IOException {
    return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
  }

  @Override
  public int nextIntValue(int defaultValue) throws IOException {
    return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
  }

  @Override
  public long nextLongValue(long defaultValue) throws IOException {
    return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
  }

  @Override
  public Boolean nextBooleanValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.VALUE_TRUE
        ? Boolean.TRUE
        : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    if (currentToken() == JsonToken.START_OBJECT || currentToken() == JsonToken.START_ARRAY) {
      int open = 1;
      while (open > 0) {
        JsonToken t = nextToken();
        if (t == null) {
          break;
        }
        if (t.isStructStart()) {
          open++;
        } else if (t.isStructEnd()) {
          open--;
        }
      }
    }
    return this;
  }
}
