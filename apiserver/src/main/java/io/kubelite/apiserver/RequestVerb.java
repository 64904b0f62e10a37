package io.kubelite.apiserver;

import io.kubelite.kinds.Kinds;
import io.vertx.core.http.HttpMethod;

/**
 * The Kubernetes verb of a resource request, from its method and path: get, list, watch,
 * create, update, patch, delete, deletecollection (as kube's RequestInfo names them for
 * authorization). A method the path does not allow is a 405.
 */
final class RequestVerb {
    private RequestVerb() {}

    static String of(HttpMethod m, RequestScope<?> s) {
        String name = s.name();
        if (m == HttpMethod.GET) {
            if (s.legacyWatch() || QueryOptions.isWatch(s.request().http())) {
                return "watch";
            }
            return name == null ? "list" : "get";
        }
        if (m == HttpMethod.POST) {
            // POST to a named object only for subresources that create (binding, eviction)
            if (name != null
                    && (s.subresource() == null
                            || !Kinds.of(s.resource()).subresources().stream()
                                    .anyMatch(sub -> sub.name().equals(s.subresource())
                                            && sub.verbs().contains("create")))) {
                throw notAllowed();
            }
            if (name == null && s.resource().namespaced() && s.namespace() == null) {
                throw notAllowed();
            }
            return "create";
        }
        if (m == HttpMethod.PUT && name != null) {
            return "update";
        }
        if (m == HttpMethod.PATCH && name != null) {
            return "patch";
        }
        if (m == HttpMethod.DELETE) {
            return name == null ? "deletecollection" : "delete";
        }
        throw notAllowed();
    }

    /** {@code pods/exec} and {@code pods/attach}: GET (WebSocket) is get, POST (SPDY) is create, as in kube. */
    static boolean isStream(String subresource) {
        return "exec".equals(subresource) || "attach".equals(subresource);
    }

    static ApiException notAllowed() {
        return ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
}
