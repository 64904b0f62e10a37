package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The workload an action names in its body ({@code kind}, {@code namespace}, {@code name}),
 * checked before anything is sent: a kind the action supports, a valid namespace and object name.
 * Knows the object's URL and how kubectl names it ({@code deployment.apps/web}).
 */
record WorkloadRef(String kind, String namespace, String name) {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** Kind → {API prefix, plural, group}. */
    private static final Map<String, String[]> KINDS = Map.of(
            "Deployment", new String[] {"/apis/apps/v1", "deployments", "apps"},
            "ReplicaSet", new String[] {"/apis/apps/v1", "replicasets", "apps"},
            "DaemonSet", new String[] {"/apis/apps/v1", "daemonsets", "apps"},
            "StatefulSet", new String[] {"/apis/apps/v1", "statefulsets", "apps"});

    /** Reads and checks the body's workload; {@code kinds} are the ones the action supports. */
    static WorkloadRef from(JsonNode body, Set<String> kinds, String action) throws ActionException {
        String kind = body.path("kind").asText("");
        String namespace = body.path("namespace").asText("");
        String name = body.path("name").asText("");
        if (!kinds.contains(kind)) {
            throw new ActionException(
                    400,
                    action + " works on "
                            + String.join(", ", kinds.stream().sorted().toList()) + ", not \"" + kind + "\"");
        }
        if (!DNS1123_LABEL.matcher(namespace).matches()) {
            throw new ActionException(400, "namespace \"" + namespace + "\" is not a valid namespace name");
        }
        if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            throw new ActionException(400, "name \"" + name + "\" is not a valid object name");
        }
        return new WorkloadRef(kind, namespace, name);
    }

    /** The object's URL, e.g. {@code /apis/apps/v1/namespaces/default/deployments/web}. */
    String path() {
        String[] k = KINDS.get(kind);
        return k[0] + "/namespaces/" + namespace + "/" + k[1] + "/" + name;
    }

    /** The namespace's collection of another apps/v1 resource, e.g. its replicasets. */
    String appsCollection(String plural) {
        return "/apis/apps/v1/namespaces/" + namespace + "/" + plural;
    }

    /** As kubectl prints it: {@code deployment.apps/web}. */
    String display() {
        return kind.toLowerCase(java.util.Locale.ROOT) + "." + KINDS.get(kind)[2] + "/" + name;
    }
}
