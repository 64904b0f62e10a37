package io.kubelite.apiserver.kubectl.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * One recorded kubectl command (a {@code kubectl-replay/fixtures/NN-name.json} that {@code
 * convert.py} wrote): its arguments, what kubectl returned, and the requests it sent, each with
 * the answer's properties that matter.
 */
public record ReplayFixture(String name, String command, String kubectl, int exitCode, List<Step> requests) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The resource directory the fixtures are in, relative to the test classpath. */
    public static final String DIR = "kubectl-replay/fixtures";

    /**
     * One request and what its answer must have. {@code body} is a text body (JSON, YAML), {@code
     * bytes} a binary one (Kubernetes' protobuf, {@code bodyBase64} in the file); at most one is set.
     */
    public record Step(
            String method,
            String path,
            String accept,
            String contentType,
            String body,
            byte[] bytes,
            boolean watch,
            int polled,
            Expect expect) {
        /** The request as kubectl sent it (placeholders unfilled), for failure messages. */
        public String describe() {
            StringBuilder b = new StringBuilder(method).append(' ').append(path);
            if (accept != null) {
                b.append("\nAccept: ").append(accept);
            }
            if (contentType != null) {
                b.append("\nContent-Type: ").append(contentType);
            }
            if (body != null) {
                b.append("\n\n").append(body);
            }
            if (bytes != null) {
                b.append("\n\n(")
                        .append(bytes.length)
                        .append(" bytes: ")
                        .append(Base64.getEncoder().encodeToString(bytes))
                        .append(')');
            }
            return b.toString();
        }
    }

    /**
     * What an answer must have: its status, and when recorded its Content-Type, the object's
     * {@code kind}, a Table's column names, a failure Status's {@code reason}.
     */
    public record Expect(int status, String contentType, String kind, List<String> columns, String reason) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("status ").append(status);
            if (contentType != null) {
                b.append(", Content-Type ").append(contentType);
            }
            if (kind != null) {
                b.append(", kind ").append(kind);
            }
            if (columns != null) {
                b.append(", columns ").append(columns);
            }
            if (reason != null) {
                b.append(", reason ").append(reason);
            }
            return b.toString();
        }
    }

    @Override
    public String toString() {
        return name + ": " + command;
    }

    /** Every fixture, in recording order (file names start with the command's number). */
    public static List<ReplayFixture> all() throws IOException {
        Path dir = directory();
        List<ReplayFixture> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(read(p));
            }
        }
        return out;
    }

    /** The fixtures' directory on the test classpath. */
    public static Path directory() throws IOException {
        URL url = ReplayFixture.class.getClassLoader().getResource(DIR);
        if (url == null) {
            throw new IOException("no " + DIR + " on the test classpath: record them with kubectl-replay/record.sh");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    public static ReplayFixture read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        return parse(fileName.substring(0, fileName.length() - ".json".length()), JSON.readTree(file.toFile()));
    }

    static ReplayFixture parse(String name, JsonNode doc) throws IOException {
        List<Step> steps = new ArrayList<>();
        for (JsonNode r : doc.path("requests")) {
            JsonNode e = r.path("expect");
            List<String> columns = null;
            if (e.has("columns")) {
                columns = new ArrayList<>();
                for (JsonNode c : e.get("columns")) {
                    columns.add(c.asText());
                }
            }
            String body = r.has("body")
                    ? JSON.writeValueAsString(r.get("body"))
                    : r.has("bodyText") ? r.get("bodyText").asText() : null;
            steps.add(new Step(
                    r.path("method").asText(),
                    r.path("path").asText(),
                    text(r, "accept"),
                    text(r, "contentType"),
                    body,
                    r.has("bodyBase64")
                            ? Base64.getDecoder().decode(r.get("bodyBase64").asText())
                            : null,
                    r.path("watch").asBoolean(false),
                    r.path("polled").asInt(1),
                    new Expect(
                            e.path("status").asInt(0),
                            text(e, "contentType"),
                            text(e, "kind"),
                            columns,
                            text(e, "reason"))));
        }
        return new ReplayFixture(
                name,
                doc.path("command").asText(),
                doc.path("kubectl").asText(),
                doc.path("exitCode").asInt(),
                List.copyOf(steps));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
