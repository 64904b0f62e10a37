package io.kubelite.metrics;

/** A pod's {@code namespace/name}, the key metrics-server stores pod samples under. */
public record PodRef(String namespace, String name) implements Comparable<PodRef> {
    @Override
    public int compareTo(PodRef o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
