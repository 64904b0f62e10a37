package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.dashboard.auth.Session;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code apply}: server-side applies a YAML or JSON manifest of one or more documents, as {@code
 * kubectl apply --server-side --field-manager=kubelite-dashboard} does: each object is PATCHed as
 * {@code application/apply-patch+yaml} to the resource API discovery names for its kind, without
 * forcing conflicts. Body: {@code yaml} (the manifest), {@code namespace} (for objects that name
 * none; "default" when empty), {@code dryRun} (only a server dry run).
 *
 * <p>Every object is first sent as a server dry run; when any is refused, nothing is applied and
 * the answer lists each object's error. The message has one line per object, kubectl's words:
 * {@code deployment.apps/web serverside-applied}.
 */
public final class ApplyManifestAction implements Action {
    static final String FIELD_MANAGER = "kubelite-dashboard";
    private static final int MAX_BYTES = 1 << 20;
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private record Target(String display, String path, String namespace, JsonNode object) {}

    @Override
    public String name() {
        return "apply";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        String text = body.path("yaml").asText("");
        boolean dryRun = body.path("dryRun").asBoolean(false);
        String defaultNamespace = body.path("namespace").asText("");
        if (defaultNamespace.isEmpty()) {
            defaultNamespace = "default";
        }
        if (text.isBlank()) {
            throw new ActionException(400, "the manifest is empty");
        }
        if (text.length() > MAX_BYTES) {
            throw new ActionException(400, "the manifest is larger than 1 MiB");
        }
        List<JsonNode> documents = documents(text);
        ApiCalls api = new ApiCalls(session.api());
        ApiDiscovery discovery = new ApiDiscovery(api);
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            targets.add(target(documents.get(i), i + 1, documents.size(), discovery, defaultNamespace));
        }

        // a server dry run of everything first: a refused object means nothing is applied. An
        // object in a namespace this manifest creates cannot be dry-run (the namespace is not there
        // yet), as with kubectl apply --dry-run=server; it is let through.
        java.util.Set<String> namespacesCreated = new java.util.HashSet<>();
        for (Target t : targets) {
            if (t.object().path("kind").asText().equals("Namespace")
                    && t.object().path("apiVersion").asText().equals("v1")) {
                namespacesCreated.add(t.object().path("metadata").path("name").asText());
            }
        }
        List<String> lines = new ArrayList<>();
        int failedStatus = 0;
        for (Target t : targets) {
            ApiServerConnection.Response r = patch(api, t, true);
            if (!r.ok() && r.code() == 404 && namespacesCreated.contains(t.namespace())) {
                lines.add(t.display()
                        + " serverside-applied (server dry run; its namespace is created by this manifest)");
            } else if (r.ok()) {
                lines.add(t.display() + " serverside-applied (server dry run)");
            } else {
                failedStatus = failedStatus == 0 ? r.code() : failedStatus;
                lines.add(t.display() + ": " + failure(r));
            }
        }
        if (failedStatus != 0) {
            throw new ActionException(failedStatus, "nothing was applied:\n" + String.join("\n", lines));
        }
        if (dryRun) {
            return String.join("\n", lines);
        }
        lines.clear();
        for (Target t : targets) {
            ApiServerConnection.Response r = patch(api, t, false);
            if (r.ok()) {
                lines.add(t.display() + " serverside-applied");
            } else {
                failedStatus = failedStatus == 0 ? r.code() : failedStatus;
                lines.add(t.display() + ": " + failure(r));
            }
        }
        if (failedStatus != 0) {
            throw new ActionException(failedStatus, String.join("\n", lines));
        }
        return String.join("\n", lines);
    }

    private static List<JsonNode> documents(String text) throws ActionException {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (JsonNode d : ApiJson.documents(text)) {
                if (d.path("kind").asText().endsWith("List") && d.path("items").isArray()) {
                    d.path("items").forEach(out::add);
                } else {
                    out.add(d);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ActionException(400, "the manifest is not valid YAML or JSON: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ActionException(400, "the manifest has no objects");
        }
        return out;
    }

    private static Target target(JsonNode doc, int index, int count, ApiDiscovery discovery, String defaultNamespace)
            throws ActionException {
        String where = count == 1 ? "" : "document " + index + ": ";
        if (!doc.isObject()) {
            throw new ActionException(400, where + "expected an object");
        }
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        String name = doc.path("metadata").path("name").asText("");
        List<String> missing = new ArrayList<>();
        if (apiVersion.isEmpty()) {
            missing.add("apiVersion not set");
        }
        if (kind.isEmpty()) {
            missing.add("kind not set");
        }
        if (name.isEmpty()) {
            missing.add("metadata.name not set");
        }
        if (!missing.isEmpty()) {
            throw new ActionException(400, where + String.join(", ", missing));
        }
        ApiDiscovery.Mapping m;
        try {
            m = discovery.resolve(apiVersion, kind);
        } catch (ActionException e) {
            throw new ActionException(e.status(), where + e.getMessage());
        }
        String namespace = "";
        if (m.namespaced()) {
            namespace = doc.path("metadata").path("namespace").asText(defaultNamespace);
            if (!DNS1123_LABEL.matcher(namespace).matches()) {
                throw new ActionException(400, where + "namespace \"" + namespace + "\" is not a valid namespace name");
            }
        }
        String display = kind.toLowerCase(Locale.ROOT) + (m.group().isEmpty() ? "" : "." + m.group()) + "/" + name;
        String path = m.path(namespace, URLEncoder.encode(name, StandardCharsets.UTF_8));
        return new Target(display, path, namespace, doc);
    }

    private static ApiServerConnection.Response patch(ApiCalls api, Target t, boolean dryRun) throws ActionException {
        String query = "?fieldManager=" + FIELD_MANAGER + "&force=false" + (dryRun ? "&dryRun=All" : "");
        return api.sendRaw(
                "PATCH",
                t.path() + query,
                "application/apply-patch+yaml",
                t.object().toString());
    }

    private static String failure(ApiServerConnection.Response r) {
        String message = ApiCalls.message(r);
        if (r.code() == 409) {
            return "conflict: " + message
                    + " (another field manager owns these fields; the dashboard does not force: change the"
                    + " manifest, or take them over with kubectl apply --server-side --force-conflicts)";
        }
        return "error: " + message;
    }
}
