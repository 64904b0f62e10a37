package io.kubelite.controllers.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.kubelite.api.ApiJson;
import io.kubelite.api.PodTemplateSpec;
import java.util.List;
import java.util.Optional;

/**
 * A StatefulSet's or DaemonSet's ControllerRevision {@code data}, as both of kube's {@code getPatch}
 * write it: the strategic merge patch {@code {"spec":{"template":{...,"$patch":"replace"}}}} that
 * puts the revision's pod template back (what {@code kubectl rollout undo sts|ds} applies). Two
 * revisions hold the same template exactly when their data are equal.
 */
public final class RevisionData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");

    private RevisionData() {}

    /** The data that restores {@code template}. */
    public static Struct of(PodTemplateSpec template) {
        ObjectNode t = ApiJson.toTree(template);
        goZeroValues(t);
        t.put("$patch", "replace");
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("spec").set("template", t);
        Struct.Builder b = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(patch.toString(), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a pod template is not a JSON object: " + e.getMessage(), e);
        }
        return b.build();
    }

    /**
     * Adds the fields Go's {@code json.Marshal} writes even when empty, as kubectl's
     * {@code daemonSetMatch}/{@code statefulsetMatch} compare the data's bytes with their own
     * marshalling of the live template: {@code metadata.creationTimestamp: null} and each
     * container's {@code resources: {}}.
     */
    private static void goZeroValues(ObjectNode template) {
        if (!(template.get("metadata") instanceof ObjectNode)) {
            template.putObject("metadata");
        }
        ObjectNode meta = (ObjectNode) template.get("metadata");
        if (!meta.has("creationTimestamp")) {
            meta.putNull("creationTimestamp");
        }
        JsonNode spec = template.path("spec");
        for (String list : CONTAINER_LISTS) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode o && !o.has("resources")) {
                    o.putObject("resources");
                }
            }
        }
    }

    /** Whether {@code data} restores {@code template}: equal data, or (data an older writer made) an equal template. */
    public static boolean holds(Struct data, PodTemplateSpec template) {
        if (data.equals(of(template))) {
            return true;
        }
        // data of this form always has the creationTimestamp key: only older data is read back
        return !writtenWithGoZeroValues(data)
                && template(data).map(template::equals).orElse(false);
    }

    private static boolean writtenWithGoZeroValues(Struct data) {
        return data.getFieldsOrDefault("spec", Value.getDefaultInstance())
                .getStructValue()
                .getFieldsOrDefault("template", Value.getDefaultInstance())
                .getStructValue()
                .getFieldsOrDefault("metadata", Value.getDefaultInstance())
                .getStructValue()
                .containsFields("creationTimestamp");
    }

    /** The pod template the data restores, if it holds one. */
    public static Optional<PodTemplateSpec> template(Struct data) {
        try {
            JsonNode tree = JSON.readTree(JsonFormat.printer().print(data));
            JsonNode t = tree.path("spec").path("template");
            if (!t.isObject()) {
                return Optional.empty();
            }
            ((ObjectNode) t).remove("$patch");
            // the Go zero values goZeroValues are not part of the template
            if (t.path("metadata").path("creationTimestamp").isNull()) {
                ((ObjectNode) t.path("metadata")).remove("creationTimestamp");
            }
            for (String list : CONTAINER_LISTS) {
                for (JsonNode c : t.path("spec").path(list)) {
                    if (c instanceof ObjectNode o && o.path("resources").isEmpty()) {
                        o.remove("resources");
                    }
                }
            }
            return Optional.of(
                    ApiJson.parse(t, PodTemplateSpec.getDefaultInstance()).message());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
