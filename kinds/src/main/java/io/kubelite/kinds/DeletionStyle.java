package io.kubelite.kinds;

/** Who finishes the deletion of an object of a kind, once a client has asked for it. */
public enum DeletionStyle {
    /**
     * The API server removes the object at once, or, while finalizers remain, marks it
     * and removes it when the last finalizer goes; foreground propagation applies.
     */
    IMMEDIATE,
    /**
     * Graceful, as pods: a bound object is marked with a deletionTimestamp and grace
     * period, and the node's agent removes it; finalizers removed later do not delete it.
     */
    GRACEFUL,
    /**
     * Finished by a controller, as namespaces: the API server marks the object and the
     * controller empties and removes it.
     */
    CONTROLLER_FINALIZED
}
