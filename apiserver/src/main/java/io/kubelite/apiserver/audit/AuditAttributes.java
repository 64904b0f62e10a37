package io.kubelite.apiserver.audit;

import io.kubelite.apiserver.Auth;

/**
 * What an audit policy matches a request on, as kube's authorizer attributes: the user (null
 * when authentication failed), the verb, and either the resource (group, version, resource,
 * subresource, namespace — empty for cluster scope — and name) or the non-resource path.
 */
public record AuditAttributes(
        Auth.User user,
        String verb,
        boolean resourceRequest,
        String group,
        String version,
        String resource,
        String subresource,
        String namespace,
        String name,
        String path) {

    public AuditAttributes {
        group = nz(group);
        version = nz(version);
        resource = nz(resource);
        subresource = nz(subresource);
        namespace = nz(namespace);
        name = nz(name);
        path = nz(path);
    }

    /**
     * The attributes of a request as kube's RequestInfoFactory makes them from its method, path and
     * {@code watch} parameter alone: {@code /api/v1/...} and {@code /apis/<group>/<version>/...} are
     * resource requests (namespace, resource, name, subresource by position; get without a name is
     * list, with {@code watch} it is watch; delete without a name is deletecollection); anything
     * else is a non-resource request whose verb is the lower-cased method.
     */
    public static AuditAttributes of(Auth.User user, String method, String path, String watchParam) {
        String[] all = java.util.Arrays.stream(path.split("/"))
                .filter(p -> !p.isEmpty())
                .toArray(String[]::new);
        String lower = method.toLowerCase(java.util.Locale.ROOT);
        int at;
        String group;
        String version;
        if (all.length >= 3 && all[0].equals("api")) {
            group = "";
            version = all[1];
            at = 2;
        } else if (all.length >= 4 && all[0].equals("apis")) {
            group = all[1];
            version = all[2];
            at = 3;
        } else {
            return new AuditAttributes(user, lower, false, null, null, null, null, null, null, path);
        }
        String verb = switch (method) {
            case "POST" -> "create";
            case "GET", "HEAD" -> "get";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
        };
        java.util.List<String> parts =
                new java.util.ArrayList<>(java.util.Arrays.asList(all).subList(at, all.length));
        if (!parts.isEmpty() && parts.get(0).equals("watch")) { // the deprecated /watch/ paths
            parts.remove(0);
            verb = "watch";
        }
        String namespace = "";
        if (!parts.isEmpty() && parts.get(0).equals("namespaces")) {
            if (parts.size() > 1) {
                namespace = parts.get(1);
                if (parts.size() > 2
                        && !parts.get(2).equals("status")
                        && !parts.get(2).equals("finalize")) {
                    parts = parts.subList(2, parts.size());
                }
            }
        }
        String resource = parts.size() >= 1 ? parts.get(0) : "";
        String name = parts.size() >= 2 ? parts.get(1) : "";
        String sub = parts.size() >= 3 ? parts.get(2) : "";
        if (name.isEmpty() && verb.equals("get")) {
            verb = "list";
        }
        if (verb.equals("list")
                && watchParam != null
                && !watchParam.equals("0")
                && !watchParam.equalsIgnoreCase("false")) {
            verb = "watch";
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        return new AuditAttributes(user, verb, true, group, version, resource, sub, namespace, name, path);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
