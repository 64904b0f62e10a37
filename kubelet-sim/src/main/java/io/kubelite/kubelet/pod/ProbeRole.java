package io.kubelite.kubelet.pod;

/** Which of a container's probes. */
public enum ProbeRole {
    STARTUP("Startup"),
    LIVENESS("Liveness"),
    READINESS("Readiness");

    private final String label;

    ProbeRole(String label) {
        this.label = label;
    }

    /** As the kubelet spells it in messages ("Liveness probe failed: ..."). */
    public String label() {
        return label;
    }
}
