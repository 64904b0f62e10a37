package io.kubelite.logstore.ingest;

/**
 * Identifies one stream of one container instance: the unit whose sequence numbers the store
 * deduplicates on. stdout and stderr are kept apart so that an agent may ship them
 * independently: each only has to be in {@code seq} order on its own.
 */
public record InstanceKey(String podUID, String container, int restartCount, String stream) {
    /** A stable string form, used as a key in the index's commit data. */
    public String id() {
        return podUID + "/" + container + "/" + restartCount + "/" + stream;
    }
}
