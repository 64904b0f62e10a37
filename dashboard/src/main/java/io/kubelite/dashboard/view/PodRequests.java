package io.kubelite.dashboard.view;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pod's effective requests as the scheduler counts them: the larger of the app containers' sum
 * and the largest init container, plus the pod overhead.
 */
record PodRequests(long cpuMillis, long memoryBytes) {
    static PodRequests of(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        long cpu = 0;
        long mem = 0;
        for (JsonNode c : spec.path("containers")) {
            cpu += Quantities.cpuMillis(
                    c.path("resources").path("requests").path("cpu").asText(""));
            mem += Quantities.bytes(
                    c.path("resources").path("requests").path("memory").asText(""));
        }
        for (JsonNode c : spec.path("initContainers")) {
            cpu = Math.max(
                    cpu,
                    Quantities.cpuMillis(
                            c.path("resources").path("requests").path("cpu").asText("")));
            mem = Math.max(
                    mem,
                    Quantities.bytes(
                            c.path("resources").path("requests").path("memory").asText("")));
        }
        cpu += Quantities.cpuMillis(spec.path("overhead").path("cpu").asText(""));
        mem += Quantities.bytes(spec.path("overhead").path("memory").asText(""));
        return new PodRequests(cpu, mem);
    }

    /** Whether the pod holds its node's resources: bound and not finished. */
    static boolean holdsResources(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return !pod.path("spec").path("nodeName").asText("").isEmpty()
                && !phase.equals("Succeeded")
                && !phase.equals("Failed");
    }
}
