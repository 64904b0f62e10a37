package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Which resource serves a kind, from the API server's discovery documents ({@code /api/v1},
 * {@code /apis/GROUP/VERSION}) read with the session's credential, as kubectl's REST mapper does:
 * no list of kinds is kept here, so custom resources apply like built-in ones. One instance per
 * request; each group version is read once.
 */
final class ApiDiscovery {
    /** A kind's resource: its URL prefix, plural name, group, and whether it is namespaced. */
    record Mapping(String apiPrefix, String resource, String group, boolean namespaced) {
        /** The object's URL. */
        String path(String namespace, String name) {
            return apiPrefix + (namespaced ? "/namespaces/" + namespace : "") + "/" + resource + "/" + name;
        }
    }

    private final ApiCalls api;
    private final Map<String, JsonNode> lists = new HashMap<>();

    ApiDiscovery(ApiCalls api) {
        this.api = api;
    }

    /** The resource serving {@code kind} in {@code apiVersion}; a clear 400 when none does. */
    Mapping resolve(String apiVersion, String kind) throws ActionException {
        String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (!apiVersion.matches("([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?")) {
            throw new ActionException(400, "apiVersion \"" + apiVersion + "\" is not a valid API version");
        }
        JsonNode list = lists.get(prefix);
        if (list == null) {
            try {
                list = api.get(prefix);
            } catch (ActionException e) {
                if (e.status() != 404) {
                    throw e;
                }
                list = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            lists.put(prefix, list);
        }
        for (JsonNode r : list.path("resources")) {
            String name = r.path("name").asText();
            if (r.path("kind").asText().equals(kind) && !name.contains("/")) {
                return new Mapping(prefix, name, group, r.path("namespaced").asBoolean(false));
            }
        }
        throw new ActionException(400, "no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\"");
    }
}
