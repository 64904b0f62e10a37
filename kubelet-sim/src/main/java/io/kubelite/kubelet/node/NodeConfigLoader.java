package io.kubelite.kubelet.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.Node;
import io.kubelite.api.Taint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --node-config FILE}: heterogeneous nodes as Kubernetes Node manifests (YAML with
 * {@code ---} between documents, or JSON; a {@code kind: List} / {@code NodeList} with
 * {@code items} works too). Used per node: {@code metadata.name}, {@code metadata.labels},
 * {@code metadata.annotations}, {@code spec.taints}, {@code status.capacity} and
 * {@code status.allocatable} (defaults to capacity). Missing capacity entries fall back
 * to the command-line defaults ({@code --cpu}, {@code --memory}, {@code --max-pods}).
 */
public final class NodeConfigLoader {
    private NodeConfigLoader() {}

    public static List<Node> load(Path file) throws IOException {
        String text = Files.readString(file);
        List<Node> nodes = new ArrayList<>();
        for (JsonNode doc : ApiJson.documents(text)) {
            if (doc.has("items") && doc.get("items").isArray()) {
                for (JsonNode item : doc.get("items")) {
                    nodes.add(ApiJson.parse(item, Node.getDefaultInstance()).message());
                }
            } else {
                nodes.add(ApiJson.parse(doc, Node.getDefaultInstance()).message());
            }
        }
        for (Node n : nodes) {
            if (n.getMetadata().getName().isEmpty()) {
                throw new IllegalArgumentException(file + ": every node needs metadata.name");
            }
        }
        return nodes;
    }

    /** The template for a configured node, with defaults from the flags. */
    public static NodeTemplate template(Node n, Map<String, String> defaultCapacity, String defaultZone) {
        String name = n.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>(NodeTemplates.standardLabels(name, defaultZone));
        labels.putAll(n.getMetadata().getLabelsMap());
        Map<String, String> capacity = new LinkedHashMap<>(defaultCapacity);
        capacity.putAll(n.getStatus().getCapacityMap());
        Map<String, String> allocatable = new LinkedHashMap<>(capacity);
        allocatable.putAll(n.getStatus().getAllocatableMap());
        List<Taint> taints = n.getSpec().getTaintsList();
        return new NodeTemplate(name, labels, n.getMetadata().getAnnotationsMap(), taints, capacity, allocatable);
    }
}
