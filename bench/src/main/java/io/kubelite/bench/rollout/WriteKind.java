package io.kubelite.bench.rollout;

/** What one etcd write seen by {@link WriteTally} was, by resource and effect. */
enum WriteKind {
    POD_CREATE("pod creates"),
    POD_BIND("pod binds (nodeName set)"),
    POD_DELETE_MARK("pod graceful-delete marks (deletionTimestamp set)"),
    POD_UPDATE("other pod updates (status)"),
    POD_DELETE("pod deletes"),
    REPLICASET("ReplicaSet writes"),
    DEPLOYMENT("Deployment writes"),
    EVENT("Event writes"),
    LEASE("Lease writes"),
    NODE("Node writes"),
    OTHER("other writes");

    final String label;

    WriteKind(String label) {
        this.label = label;
    }
}
