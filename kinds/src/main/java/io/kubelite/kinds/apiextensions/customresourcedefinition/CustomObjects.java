package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.CustomObject;
import java.io.UncheckedIOException;

/**
 * The top-level members of a custom object that the server treats apart, read from and written
 * to its content JSON: {@code status} (its own subresource when the CRD enables it, as kube's
 * custom resource strategy keeps it) and everything but metadata and status (what a
 * {@code generation} bump follows).
 */
public final class CustomObjects {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CustomObjects() {}

    /** {@code target} with the {@code status} member of {@code source} (none when it has none). */
    public static CustomObject withStatusOf(CustomObject target, CustomObject source) {
        ObjectNode t = content(target);
        JsonNode status = content(source).get("status");
        if (status == null) {
            t.remove("status");
        } else {
            t.set("status", status);
        }
        return target.toBuilder().setContent(t.isEmpty() ? "" : t.toString()).build();
    }

    /** The content without {@code status}: what a spec change changes. */
    public static JsonNode withoutStatus(CustomObject o) {
        ObjectNode c = content(o);
        c.remove("status");
        return c;
    }

    private static ObjectNode content(CustomObject o) {
        if (o.getContent().isEmpty()) {
            return JSON.createObjectNode();
        }
        try {
            return (ObjectNode) JSON.readTree(o.getContent());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
