package io.kubelite.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a JSON or YAML parser's error message fit for the client that sent the text: it keeps what
 * the parser says about the text and drops what it says about itself (SnakeYAML's event classes,
 * Jackson's bound types and feature names), which a client could neither act on nor should see.
 */
final class ParserMessages {
  private static final Pattern YAML_EVENT =
      Pattern.compile("<?org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event(\\([^>]*\\))?>?");
  private static final Pattern BOUND_AS = Pattern.compile("\\s*\\(bound as `[^`]*`\\)");
  private static final Pattern FEATURE = Pattern.compile(":?\\s*not allowed as per `[^`]*`");
  private static final Pattern JAVA_TYPE =
      Pattern.compile("`?\\b[a-z][\\w$]*(\\.[a-z][\\w$]*)*\\.[A-Z][\\w$]*`?");

  private ParserMessages() {}

  static String readable(String message) {
    if (message == null) {
      return "";
    }
    String out =
        YAML_EVENT
            .matcher(message)
            .replaceAll(m -> Matcher.quoteReplacement(eventWords(m.group(1))));
    out = BOUND_AS.matcher(out).replaceAll("");
    out = FEATURE.matcher(out).replaceAll("");
    return JAVA_TYPE.matcher(out).replaceAll("a value").strip();
  }

  private static String eventWords(String event) {
    return switch (event) {
      case "MappingStart" -> "the start of a mapping";
      case "MappingEnd" -> "the end of a mapping";
      case "SequenceStart" -> "the start of a sequence";
      case "SequenceEnd" -> "the end of a sequence";
      case "Scalar" -> "a scalar";
      case "Alias" -> "an alias";
      case "DocumentStart" -> "the start of a document";
      case "DocumentEnd" -> "the end of a document";
      default -> "a YAML " + event.toLowerCase(Locale.ROOT);
    };
  }
}
