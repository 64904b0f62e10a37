package io.kubelite.controllers.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.kubelite.api.ApiJson;
import io.kubelite.api.PodTemplateSpec;
import java.util.Optional;

/**
 * A StatefulSet's or DaemonSet's ControllerRevision {@code data}, as both of kube's {@code getPatch}
 * write it: the strategic merge patch {@code {"spec":{"template":{...,"$patch":"replace"}}}} that
 * puts the revision's pod template back (what {@code kubectl rollout undo sts|ds} applies). Two
 * revisions hold the same template exactly when their data are equal.
 */
public final class RevisionData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RevisionData() {}

    /** The data that restores {@code template}. */
    public static Struct of(PodTemplateSpec template) {
        ObjectNode t = ApiJson.toTree(template);
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

    /** The pod template the data restores, if it holds one. */
    public static Optional<PodTemplateSpec> template(Struct data) {
        try {
            JsonNode tree = JSON.readTree(JsonFormat.printer().print(data));
            JsonNode t = tree.path("spec").path("template");
            if (!t.isObject()) {
                return Optional.empty();
            }
            ((ObjectNode) t).remove("$patch");
            return Optional.of(
                    ApiJson.parse(t, PodTemplateSpec.getDefaultInstance()).message());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
