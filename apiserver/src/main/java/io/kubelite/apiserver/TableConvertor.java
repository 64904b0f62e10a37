package io.kubelite.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.util.List;

/**
 * Objects of one resource as a {@code meta.k8s.io} Table (kube-apiserver's
 * {@code TableConvertor} and {@code asTable}): the kind registry's column definitions, one
 * row per object with every column's cell (wide ones included: kube always generates the
 * wide table and clients hide priority 1 columns), and each row's {@code object} as the
 * request's {@code includeObject} asks: {@code null} (None), a PartialObjectMetadata
 * (Metadata) or the whole object (Object). A list's table carries the list's
 * resourceVersion and continue token, a single object's table the object's
 * resourceVersion. Ages are measured at the conversion.
 *
 * @param <T> the resource's message type
 */
final class TableConvertor<T extends Message> {
    private final Resource<T> resource;
    private final Kind<T> kind;
    private final OutputMediaType format;
    private final Instant now;

    TableConvertor(Resource<T> resource, OutputMediaType format, Instant now) {
        this.resource = resource;
        this.kind = Kinds.of(resource);
        this.format = format;
        this.now = now;
    }

    /** The table of a list: its rows in order, the list's resourceVersion and continue token. */
    byte[] list(List<T> objects, long revision, String continueToken) {
        ObjectNode t = table(Long.toString(revision), continueToken, true);
        ArrayNode rows = t.putArray("rows");
        for (T o : objects) {
            rows.add(row(o));
        }
        return Codec.bytes(t);
    }

    /** The table of one object (a get, or a watch event when {@code headers} is false after the first). */
    ObjectNode one(T obj, boolean headers) {
        ObjectNode t = table(resource.meta(obj).getResourceVersion(), null, headers);
        t.putArray("rows").add(row(obj));
        return t;
    }

    private ObjectNode table(String resourceVersion, String continueToken, boolean headers) {
        ObjectNode t = Codec.MAPPER.createObjectNode();
        t.put("kind", "Table");
        t.put("apiVersion", format.groupVersion());
        ObjectNode m = t.putObject("metadata");
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            m.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null && !continueToken.isEmpty()) {
            m.put("continue", continueToken);
        }
        if (headers) {
            ArrayNode defs = t.putArray("columnDefinitions");
            for (Column<T> c : kind.columns()) {
                defs.addObject()
                        .put("name", c.name())
                        .put("type", c.type())
                        .put("format", c.format())
                        .put("description", c.description())
                        .put("priority", c.priority());
            }
        } else {
            // kube omits the definitions from every watch event after the first: Go's nil slice
            t.putNull("columnDefinitions");
        }
        return t;
    }

    private ObjectNode row(T obj) {
        ObjectNode row = Codec.MAPPER.createObjectNode();
        ArrayNode cells = row.putArray("cells");
        for (Object cell : kind.cells(obj, now)) {
            if (cell instanceof Long n) {
                cells.add(n);
            } else if (cell == null) {
                cells.addNull(); // a custom resource's printer column without a value
            } else if (cell instanceof Double d) {
                cells.add(d);
            } else if (cell instanceof Boolean b) {
                cells.add(b);
            } else {
                cells.add(String.valueOf(cell));
            }
        }
        switch (format.includeObject()) {
            case "None" -> row.putNull("object");
            case "Object" -> row.set("object", Codec.typedTree(resource, obj));
            default -> row.set("object", partialObjectMetadata(resource.meta(obj)));
        }
        return row;
    }

    /** kube's {@code meta.AsPartialObjectMetadata}: the whole ObjectMeta, nothing else. */
    private ObjectNode partialObjectMetadata(ObjectMeta m) {
        ObjectNode p = Codec.MAPPER.createObjectNode();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", format.groupVersion());
        p.set("metadata", ApiJson.toTree(m));
        return p;
    }
}
