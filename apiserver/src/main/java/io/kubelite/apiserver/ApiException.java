package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ConflictException;
import io.kubelite.store.CorruptException;
import io.kubelite.store.ExpiredException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.StoreException;
import io.kubelite.store.TooLargeException;
import io.kubelite.store.UnavailableException;
import io.kubelite.store.UntransformableException;
import java.util.List;

/**
 * An error answered to a client as a Kubernetes {@code Status} object: HTTP code, reason,
 * message and details (name, group, kind, field causes). Never carries a stack trace to
 * the client.
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final String name;
    private final String group;
    private final String kind;
    private final List<FieldError> causes;
    private final Integer retryAfterSeconds;

    public ApiException(
            int code,
            String reason,
            String message,
            String name,
            String group,
            String kind,
            List<FieldError> causes,
            Integer retryAfterSeconds) {
        this(code, reason, message, name, group, kind, causes, retryAfterSeconds, null);
    }

    /** As the other constructor, keeping {@code cause}: what failed inside, for the server's log only. */
    private ApiException(
            int code,
            String reason,
            String message,
            String name,
            String group,
            String kind,
            List<FieldError> causes,
            Integer retryAfterSeconds,
            Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
        this.reason = reason;
        this.name = name;
        this.group = group;
        this.kind = kind;
        this.causes = causes == null ? List.of() : List.copyOf(causes);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException of(int code, String reason, String message) {
        return new ApiException(code, reason, message, null, null, null, List.of(), null);
    }

    public static ApiException badRequest(String message) {
        return of(400, "BadRequest", message);
    }

    public static ApiException notFound(Resource<?> r, String name) {
        return new ApiException(
                404,
                "NotFound",
                qualified(r) + " \"" + name + "\" not found",
                name,
                r.group(),
                r.plural(),
                List.of(),
                null);
    }

    public static ApiException methodNotAllowed(String message) {
        return of(405, "MethodNotAllowed", message);
    }

    public static ApiException invalid(Resource<?> r, String name, List<FieldError> causes) {
        String msg;
        if (causes.size() == 1) {
            msg = describe(causes.get(0));
        } else {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < causes.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(describe(causes.get(i)));
            }
            msg = b.append(']').toString();
        }
        String groupKind = r.group().isEmpty() ? r.kind() : r.kind() + "." + r.group();
        return new ApiException(
                422,
                "Invalid",
                groupKind + " \"" + name + "\" is invalid: " + msg,
                name,
                r.group(),
                r.kind(),
                causes,
                null);
    }

    private static String describe(FieldError c) {
        return c.field().isEmpty() ? c.message() : c.field() + ": " + c.message();
    }

    /** {@code pods} or {@code replicasets.apps}, as kube-apiserver names a resource in messages. */
    public static String qualified(Resource<?> r) {
        return r.group().isEmpty() ? r.plural() : r.plural() + "." + r.group();
    }

    /** Maps any failure (store errors, our own, anything else) to a Status error. */
    public static ApiException from(Throwable t, Resource<?> r, String name) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof ApiException ae) {
                return ae;
            }
            if (c instanceof StoreException) {
                break;
            }
            if (c.getCause() == null || c.getCause() == c) {
                break;
            }
            c = c.getCause();
        }
        StoreException se = StoreException.unwrap(t);
        String group = r == null ? null : r.group();
        String kind = r == null ? null : r.plural();
        if (se instanceof NotFoundException) {
            return new ApiException(404, "NotFound", rename(se.getMessage(), r), name, group, kind, List.of(), null);
        }
        if (se instanceof AlreadyExistsException) {
            return new ApiException(
                    409, "AlreadyExists", rename(se.getMessage(), r), name, group, kind, List.of(), null);
        }
        if (se instanceof ConflictException) {
            return new ApiException(409, "Conflict", rename(se.getMessage(), r), name, group, kind, List.of(), null);
        }
        if (se instanceof ExpiredException) {
            return new ApiException(410, "Expired", se.getMessage(), name, group, kind, List.of(), null);
        }
        if (se instanceof TooLargeException) {
            return new ApiException(413, "RequestEntityTooLarge", se.getMessage(), name, group, kind, List.of(), null);
        }
        if (se instanceof UnavailableException) {
            return new ApiException(
                    503,
                    "ServiceUnavailable",
                    "etcd is unavailable: " + se.getMessage(),
                    name,
                    group,
                    kind,
                    List.of(),
                    1);
        }
        if (se instanceof UntransformableException) {
            // kube's answer for a value no configured encryption key can read
            return new ApiException(
                    500,
                    "InternalError",
                    "Internal error occurred: " + se.getMessage(),
                    name,
                    group,
                    kind,
                    List.of(),
                    null);
        }
        if (se instanceof CorruptException) {
            return new ApiException(
                    500,
                    "InternalError",
                    "stored object is corrupt: " + se.getMessage(),
                    name,
                    group,
                    kind,
                    List.of(),
                    null);
        }
        if (c instanceof IllegalArgumentException) {
            return badRequest(c.getMessage());
        }
        // what failed inside is for the server's log (Request logs the cause), not for the client
        return new ApiException(
                500,
                "InternalError",
                "Internal error occurred: this request caused the API server to fail unexpectedly;"
                        + " look in its log for details",
                name,
                group,
                kind,
                List.of(),
                null,
                t);
    }

    /** Store messages name the plural; for grouped resources kube says {@code replicasets.apps}. */
    private static String rename(String msg, Resource<?> r) {
        if (r == null || r.group().isEmpty() || msg == null || !msg.startsWith(r.plural() + " ")) {
            if (r != null
                    && msg != null
                    && msg.startsWith("Operation cannot be fulfilled on " + r.plural() + " ")
                    && !r.group().isEmpty()) {
                return msg.replace("on " + r.plural() + " ", "on " + qualified(r) + " ");
            }
            return msg;
        }
        return qualified(r) + msg.substring(r.plural().length());
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public List<FieldError> causes() {
        return causes;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The Status object. */
    public ObjectNode toStatus() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", getMessage());
        s.put("reason", reason);
        boolean hasDetails = name != null || kind != null || !causes.isEmpty() || retryAfterSeconds != null;
        if (hasDetails) {
            ObjectNode d = s.putObject("details");
            if (name != null && !name.isEmpty()) {
                d.put("name", name);
            }
            if (group != null && !group.isEmpty()) {
                d.put("group", group);
            }
            if (kind != null) {
                d.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode a = d.putArray("causes");
                for (FieldError c : causes) {
                    ObjectNode cn = a.addObject();
                    cn.put("reason", c.reason());
                    cn.put("message", c.message());
                    if (!c.field().isEmpty()) {
                        // kube's StatusCause.Field is omitempty
                        cn.put("field", c.field());
                    }
                }
            }
            if (retryAfterSeconds != null) {
                d.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        s.put("code", code);
        return s;
    }
}
