package io.kubelite.apiserver.replicasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.ObjectMeta;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Codec;
import io.kubelite.kinds.autoscaling.scale.Scalable;
import io.kubelite.kinds.validation.FieldError;
import java.util.List;

/** {@code replicasets/x/scale}, {@code deployments/x/scale}: the autoscaling/v1 Scale view of a {@link Scalable} object. */
final class ScaleSubresource {
    private ScaleSubresource() {}

    static <T extends Message> ObjectNode of(Scalable<T> kind, T rs) {
        ObjectNode s = Codec.MAPPER.createObjectNode();
        s.put("kind", "Scale");
        s.put("apiVersion", "autoscaling/v1");
        ObjectMeta m = kind.resource().meta(rs);
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", m.getName());
        meta.put("namespace", m.getNamespace());
        meta.put("uid", m.getUid());
        meta.put("resourceVersion", m.getResourceVersion());
        JsonNode ts = ApiJson.toTree(rs).path("metadata").path("creationTimestamp");
        if (!ts.isMissingNode()) {
            meta.set("creationTimestamp", ts);
        }
        s.putObject("spec").put("replicas", kind.specReplicas().apply(rs));
        ObjectNode st = s.putObject("status");
        st.put("replicas", kind.statusReplicas().apply(rs));
        st.put("selector", kind.selector().apply(rs));
        return s;
    }

    static void checkTypeMeta(JsonNode in) {
        if (!in.isObject()) {
            throw ApiException.badRequest("the body of the request must be a Scale object");
        }
        String kind = in.path("kind").asText("");
        String apiVersion = in.path("apiVersion").asText("");
        if (!kind.isEmpty() && !kind.equals("Scale")) {
            throw ApiException.badRequest(
                    "the kind in the data (" + kind + ") does not match the expected kind (Scale)");
        }
        if (!apiVersion.isEmpty() && !apiVersion.equals("autoscaling/v1")) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (autoscaling/v1)");
        }
    }

    static int replicas(String name, JsonNode scale) {
        JsonNode n = scale.path("spec").path("replicas");
        if (n.isMissingNode() || n.isNull()) {
            return 0; // kube: an absent spec.replicas in a Scale is 0
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw ApiException.badRequest("Scale in version \"v1\" cannot be handled as a Scale: spec.replicas: "
                    + "expected an integer, got " + n);
        }
        int v = n.asInt();
        if (v < 0) {
            throw new ApiException(
                    422,
                    "Invalid",
                    "Scale.autoscaling \"" + name + "\" is invalid: spec.replicas: " + "Invalid value: " + v
                            + ": must be greater than or equal to 0",
                    name,
                    "autoscaling",
                    "Scale",
                    List.of(new FieldError(
                            "FieldValueInvalid",
                            "Invalid value: " + v + ": must be greater than or equal to 0",
                            "spec.replicas")),
                    null);
        }
        return v;
    }
}
