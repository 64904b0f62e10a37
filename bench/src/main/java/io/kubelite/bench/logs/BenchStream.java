package io.kubelite.bench.logs;

import java.util.Map;

/**
 * One simulated container's stdout, as a node log agent ships it: its metadata and the next
 * sequence number to send. Owned by one {@link NodeAgent} thread.
 */
final class BenchStream {
    final String namespace;
    final String pod;
    final String podUID;
    final String container;
    final String node;
    final Map<String, String> podLabels;
    private long nextSeq;

    BenchStream(String namespace, String pod, String container, String node, Map<String, String> podLabels) {
        this.namespace = namespace;
        this.pod = pod;
        this.podUID = pod + "-uid";
        this.container = container;
        this.node = node;
        this.podLabels = Map.copyOf(podLabels);
    }

    /** The streams of node {@code nodeIndex}: {@code containers} pods of one container each, spread over namespaces and apps. */
    static BenchStream[] ofNode(int nodeIndex, int containers, int namespaces, int apps) {
        BenchStream[] out = new BenchStream[containers];
        for (int j = 0; j < containers; j++) {
            int global = nodeIndex * containers + j;
            String app = "app-" + (global % apps);
            out[j] = new BenchStream(
                    "ns-" + (global % namespaces),
                    app + "-" + Integer.toHexString(0x10000 + global),
                    "main",
                    "bench-node-" + nodeIndex,
                    Map.of("app", app, "pod-template-hash", "7d9f" + (global % 7)));
        }
        return out;
    }

    long nextSeq() {
        return nextSeq;
    }

    /** Moves past {@code count} lines the store acknowledged. */
    void advance(int count) {
        nextSeq += count;
    }
}
