package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceSubresourceScale;
import java.util.List;

/**
 * A custom resource's {@code scale} subresource, as kube's CRD scale: {@code Scale.spec.replicas}
 * at {@code specReplicasPath} (missing: 0 here; kube answers an error on GET), {@code status.replicas}
 * at {@code statusReplicasPath} (missing: 0), {@code status.selector} the string at
 * {@code labelSelectorPath}; a scale write sets the spec path only.
 */
public record CustomScale(CustomResourceSubresourceScale paths) {

    public int specReplicas(CustomObject o) {
        return integer(o, paths.getSpecReplicasPath());
    }

    public int statusReplicas(CustomObject o) {
        return integer(o, paths.getStatusReplicasPath());
    }

    public String selector(CustomObject o) {
        if (!paths.hasLabelSelectorPath()) {
            return "";
        }
        JsonNode v = PrinterColumns.find(ApiJson.toTree(o), PrinterColumns.parse(paths.getLabelSelectorPath()));
        return v != null && v.isTextual() ? v.asText() : "";
    }

    /** {@code o} with {@code replicas} at the spec path, creating the objects on the way. */
    public CustomObject withReplicas(CustomObject o, int replicas) {
        ObjectNode tree = ApiJson.toTree(o);
        List<Object> path = PrinterColumns.parse(paths.getSpecReplicasPath());
        ObjectNode at = tree;
        for (int i = 0; i < path.size() - 1; i++) {
            String step = String.valueOf(path.get(i));
            at = at.get(step) instanceof ObjectNode n ? n : at.putObject(step);
        }
        at.put(String.valueOf(path.get(path.size() - 1)), replicas);
        return ApiJson.parse(tree, CustomObject.getDefaultInstance()).message();
    }

    private static int integer(CustomObject o, String jsonPath) {
        JsonNode v = PrinterColumns.find(ApiJson.toTree(o), PrinterColumns.parse(jsonPath));
        return v != null && v.isNumber() ? v.asInt() : 0;
    }
}
