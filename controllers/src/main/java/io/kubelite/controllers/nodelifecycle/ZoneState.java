package io.kubelite.controllers.nodelifecycle;

/** A zone's health, named as in Kubernetes (see {@link ZoneDisruption}). */
public enum ZoneState {
    INITIAL("Initial"),
    NORMAL("Normal"),
    PARTIAL_DISRUPTION("PartialDisruption"),
    FULL_DISRUPTION("FullDisruption");

    private final String text;

    ZoneState(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
