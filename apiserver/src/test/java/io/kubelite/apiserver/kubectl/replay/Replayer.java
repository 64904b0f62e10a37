package io.kubelite.apiserver.kubectl.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.kubectl.replay.ReplayFixture.Expect;
import io.kubelite.apiserver.kubectl.replay.ReplayFixture.Step;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends one fixture's requests in order, as kubectl sent them, and checks each answer against
 * what was recorded: status, Content-Type, kind, a Table's column names, a failure's reason.
 *
 * <p>The placeholders {@code convert.py} left are filled from the answers to this command's
 * earlier requests, as kubectl itself took them: {@code ${resourceVersion}} and {@code ${uid}}
 * from the last answer whose {@code metadata} had one, {@code ${openapiHash}} from the last
 * {@code /openapi/v3} index, {@code ${now}} with the current time, a watch's {@code
 * ${timeoutSeconds}} with 300.
 *
 * <p>The cluster's agents act on their own time, as a real cluster's do, so an answer whose status
 * is not the recorded one is asked again (with a deadline) when asking again changes nothing: a
 * GET (kubectl polling a pod until it is gone was recorded as one GET with the last answer), or
 * any request answered 429 (a disruption budget not yet recounted). Anything else fails at once,
 * with the request and the whole answer.
 */
public final class Replayer {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");
    private static final Duration RETRY_FOR = Duration.ofSeconds(15);
    private static final int BODY_SHOWN = 6000;

    private final HttpClient http;
    private final String baseUrl;
    private final Map<String, String> captured = new HashMap<>();
    private final Map<String, String> openapiHashes = new HashMap<>();

    public Replayer(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    /** Replays every request of {@code fixture}; an AssertionError names the first that differs. */
    public void replay(ReplayFixture fixture) {
        List<Step> steps = fixture.requests();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String where =
                    fixture.command() + " (fixture " + fixture.name() + "), request " + (i + 1) + " of " + steps.size();
            send(step, where);
        }
    }

    private void send(Step step, String where) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            Answer a = exchange(step, where);
            if (a.status == step.expect().status()) {
                check(step, a, where);
                capture(step, a);
                return;
            }
            boolean retryable = step.method().equals("GET") || a.status == 429;
            if (!retryable || System.nanoTime() > deadline) {
                throw mismatch(
                        step,
                        a,
                        where,
                        "status " + a.status + ", not " + step.expect().status()
                                + (attempts > 1 ? " (asked " + attempts + " times in " + RETRY_FOR + ")" : ""));
            }
            pause();
        }
    }

    /** What came back: status, the Content-Type, the body (a watch's is not read). */
    private record Answer(int status, String contentType, String body, String request) {}

    private Answer exchange(Step step, String where) {
        String path = fill(step.path(), where);
        String body = step.body() == null ? null : fill(step.body(), where);
        HttpRequest.BodyPublisher publisher = step.bytes() != null
                ? HttpRequest.BodyPublishers.ofByteArray(step.bytes())
                : body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).method(step.method(), publisher);
        if (!step.watch()) {
            b.timeout(Duration.ofSeconds(30));
        }
        if (step.accept() != null) {
            b.header("Accept", step.accept());
        }
        if (step.contentType() != null) {
            b.header("Content-Type", step.contentType());
        }
        String sent = step.method() + " " + path + (body == null ? "" : "\n\n" + body)
                + (step.bytes() == null ? "" : "\n\n(" + step.bytes().length + " bytes of " + step.contentType() + ")");
        try {
            if (step.watch()) {
                // the answer's status and headers are what kubectl's log has of a watch: then hang up
                HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                r.body().close();
                return new Answer(r.statusCode(), contentType(r), null, sent);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), contentType(r), text(r.body(), contentType(r)), sent);
        } catch (Exception e) {
            throw new AssertionError(where + ": " + sent + "\nfailed: " + e, e);
        }
    }

    /**
     * The answer as text: JSON as it is; Kubernetes' protobuf as a JSON object holding the kind
     * its envelope names ({@code k8s\0}, runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}}),
     * which is what the checks read.
     */
    private static String text(byte[] body, String contentType) throws java.io.IOException {
        if (!"application/vnd.kubernetes.protobuf".equals(contentType)) {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
        var in = com.google.protobuf.CodedInputStream.newInstance(body, 4, Math.max(0, body.length - 4));
        String kind = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == (1 << 3 | 2)) {
                var typeMeta = in.readBytes().newCodedInput();
                for (int t = typeMeta.readTag(); t != 0; t = typeMeta.readTag()) {
                    if (t == (2 << 3 | 2)) {
                        kind = typeMeta.readStringRequireUtf8();
                    } else {
                        typeMeta.skipField(t);
                    }
                }
            } else {
                in.skipField(tag);
            }
        }
        return ReplayFixture.JSON.createObjectNode().put("kind", kind).toString();
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse(null);
    }

    private void check(Step step, Answer a, String where) {
        Expect e = step.expect();
        if (e.contentType() != null && !e.contentType().equals(a.contentType)) {
            throw mismatch(step, a, where, "Content-Type " + a.contentType + ", not " + e.contentType());
        }
        if (e.kind() == null && e.columns() == null && e.reason() == null) {
            return;
        }
        JsonNode doc = json(a.body);
        if (doc == null) {
            throw mismatch(step, a, where, "the answer is not a JSON object");
        }
        if (e.kind() != null && !e.kind().equals(doc.path("kind").asText(null))) {
            throw mismatch(step, a, where, "kind " + doc.path("kind").asText(null) + ", not " + e.kind());
        }
        if (e.columns() != null) {
            List<String> names = new ArrayList<>();
            for (JsonNode c : doc.path("columnDefinitions")) {
                names.add(c.path("name").asText());
            }
            if (!names.equals(e.columns())) {
                throw mismatch(step, a, where, "columns " + names + ", not " + e.columns());
            }
        }
        if (e.reason() != null && !e.reason().equals(doc.path("reason").asText(null))) {
            throw mismatch(step, a, where, "reason " + doc.path("reason").asText(null) + ", not " + e.reason());
        }
    }

    /** Keeps what later requests of the same command may name: resourceVersion, uid, OpenAPI hashes. */
    private void capture(Step step, Answer a) {
        JsonNode doc = json(a.body);
        if (doc == null) {
            return;
        }
        JsonNode meta = doc.path("metadata");
        for (String field : List.of("resourceVersion", "uid")) {
            String v = meta.path(field).asText("");
            if (!v.isEmpty()) {
                captured.put(field, v);
            }
        }
        if (step.path().startsWith("/openapi/v3")) {
            doc.path("paths").forEach(p -> {
                String url = p.path("serverRelativeURL").asText("");
                Matcher m = Pattern.compile("^([^?]*)\\?(?:.*&)?hash=([0-9A-Fa-f]+)")
                        .matcher(url);
                if (m.find()) {
                    openapiHashes.put(m.group(1), m.group(2));
                }
            });
        }
    }

    private String fill(String text, String where) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "resourceVersion", "uid" -> captured.get(m.group(1));
                case "openapiHash" -> openapiHashes.get(text.substring(0, text.indexOf('?')));
                case "now" -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                case "timeoutSeconds" -> "300"; // a watch's: kubectl picks it at random
                default -> null;
            };
            if (value == null) {
                throw new AssertionError(where + ": " + text + "\nnames " + m.group()
                        + " but no earlier answer of this command gave one");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private AssertionError mismatch(Step step, Answer a, String where, String what) {
        String body = a.body == null ? "(a watch: its body is not read)" : a.body;
        if (body.length() > BODY_SHOWN) {
            body = body.substring(0, BODY_SHOWN) + " ... (" + (body.length() - BODY_SHOWN) + " more chars)";
        }
        return new AssertionError(where + ": " + what + "\n\nrequest (as recorded):\n" + step.describe()
                + "\n\nrequest (as sent):\n" + a.request + "\n\nexpected: " + step.expect()
                + "\n\nresponse: " + a.status + ", Content-Type " + a.contentType + "\n" + body);
    }

    private static JsonNode json(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = ReplayFixture.JSON.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
