package io.kubelite.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every object key of a JSON or YAML document in document order, each marked when its object
 * already had that key. A JSON tree keeps only the last of duplicate keys (as Go's decoder does),
 * so duplicates are found here, in the text; Kubernetes reports them beside unknown fields.
 *
 * <p>Thread-safe (stateless).
 */
public final class FieldOccurrences {

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  /**
   * One key of one object.
   *
   * @param path the field's path as Kubernetes writes it ({@code spec.containers[0].name})
   * @param key the key itself
   * @param duplicate true when the key was already set in its object
   * @param line the 1-based line the key is on
   */
  public record Occurrence(String path, String key, boolean duplicate, int line) {}

  private FieldOccurrences() {}

  /**
   * The keys of {@code text}, read as JSON when it starts with '{' or '[' and as YAML otherwise.
   * Text that does not parse yields the keys before the error (decoding reports the error).
   */
  public static List<Occurrence> of(String text) {
    String trimmed = text.strip();
    boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
    List<Occurrence> out = new ArrayList<>();
    try (JsonParser p = json ? JSON.createParser(trimmed) : YAML.createParser(text)) {
      scan(p, out);
    } catch (IOException | RuntimeException e) {
      // Malformed text: the decoder reports it; the keys seen so far are what there is.
    }
    return out;
  }

  /** True when {@code text} would be read as YAML (Kubernetes words YAML duplicates apart). */
  public static boolean isYaml(String text) {
    String trimmed = text.strip();
    return !(trimmed.startsWith("{") || trimmed.startsWith("["));
  }

  private static final class Frame {
    final String path;
    final boolean array;
    final Set<String> keys = new HashSet<>();
    int index;
    String field = "";

    Frame(String path, boolean array) {
      this.path = path;
      this.array = array;
    }

    /** The path of the value about to be read in this container. */
    String valuePath() {
      return array ? path + "[" + index++ + "]" : field;
    }
  }

  private static void scan(JsonParser p, List<Occurrence> out) throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      Frame top = stack.peek();
      switch (t) {
        case FIELD_NAME -> {
          String key = p.currentName();
          top.field = top.path.isEmpty() ? key : top.path + "." + key;
          out.add(
              new Occurrence(
                  top.field, key, !top.keys.add(key), p.currentTokenLocation().getLineNr()));
        }
        case START_OBJECT, START_ARRAY ->
            stack.push(new Frame(top == null ? "" : top.valuePath(), t == JsonToken.START_ARRAY));
        case END_OBJECT, END_ARRAY -> stack.pop();
        default -> {
          if (top != null) {
            top.valuePath();
          }
        }
      }
    }
  }
}
