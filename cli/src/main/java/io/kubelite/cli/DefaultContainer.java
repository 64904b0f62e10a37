package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * kubectl's default container of a pod (JSON, as the API server returns it): the one its
 * {@code kubectl.kubernetes.io/default-container} annotation names, if the pod has it, else its
 * first container. Stateless.
 */
final class DefaultContainer {
    static final String ANNOTATION = "kubectl.kubernetes.io/default-container";

    private DefaultContainer() {}

    /** The default container's name, or null when the pod lists none. */
    static String of(JsonNode pod) {
        String annotated =
                pod.path("metadata").path("annotations").path(ANNOTATION).asText("");
        JsonNode containers = pod.path("spec").path("containers");
        for (JsonNode c : containers) {
            if (c.path("name").asText().equals(annotated)) {
                return annotated;
            }
        }
        return containers.size() > 0 ? containers.get(0).path("name").asText() : null;
    }
}
