package io.kubelite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a refusal of hostile input must look like to its sender: a client error (4xx) with a
 * message of its own, naming no Java class and carrying no stack frame. Shared by the fuzz
 * targets so that each says the same thing about the same failure.
 */
final class Refusals {
    /** Traces of the implementation that must never reach a client. */
    private static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\("), // a stack frame
            Pattern.compile("Exception\\b"),
            Pattern.compile(
                    "\\b(java|javax|com\\.fasterxml|com\\.google|org\\.yaml|io\\.kubelite|io\\.vertx|io\\.netty)\\.[a-z]"));

    private Refusals() {}

    /** Asserts that a refusal with {@code code} and {@code message} is a well-formed client error. */
    static void assertClientError(int code, String message, Object input) {
        assertThat(code)
                .as("status for input %s (message: %s)", shown(input), message)
                .isBetween(400, 499);
        assertThat(message).as("message for input %s", shown(input)).isNotBlank();
        assertNoLeak(message, input);
    }

    /**
     * Asserts that {@code text}, something a client reads, shows nothing of the implementation;
     * what the client sent itself ({@code input}) may come back quoted.
     */
    static void assertNoLeak(String text, Object input) {
        String sent = String.valueOf(input);
        for (Pattern p : LEAKS) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                if (!sent.contains(m.group())) {
                    throw new AssertionError("a client reads implementation detail \"" + m.group() + "\" in: "
                            + Refusals.shown(text) + "\n  for input " + shown(input));
                }
            }
        }
    }

    /** The input as a failure message shows it: escaped and cut to a readable length. */
    static String shown(Object input) {
        String s = String.valueOf(input);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 600; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return "\"" + out + (s.length() > 600 ? "...\" (" + s.length() + " chars)" : "\"");
    }
}
