package io.kubelite.apiserver.flowcontrol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The two priority levels kubelite has, each with the one FlowSchema that leads to it (kube's
 * mandatory {@code exempt} and {@code global-default} objects, fixed here rather than stored).
 * {@link #EXEMPT}: kube's mandatory {@code exempt} FlowSchema (matching precedence 1) sends
 * every request of group {@code system:masters} to the {@code exempt} level, which neither
 * queues nor refuses. {@link #GLOBAL_DEFAULT}: everything else, one flow per user (kube's
 * {@code ByUser} distinguisher). The UIDs are stable (derived from the names), for kube's
 * {@code X-Kubernetes-PF-*-UID} response headers.
 */
public enum PriorityLevel {
    EXEMPT("exempt", "exempt"),
    GLOBAL_DEFAULT("global-default", "global-default");

    /** The group kube's {@code exempt} FlowSchema matches. */
    public static final String EXEMPT_GROUP = "system:masters";

    /** Response header naming the level's UID (kube's). */
    public static final String PRIORITY_LEVEL_UID_HEADER = "X-Kubernetes-PF-PriorityLevel-UID";

    /** Response header naming the matched FlowSchema's UID (kube's). */
    public static final String FLOW_SCHEMA_UID_HEADER = "X-Kubernetes-PF-FlowSchema-UID";

    private final String levelName;
    private final String flowSchema;
    private final String levelUid;
    private final String flowSchemaUid;

    PriorityLevel(String levelName, String flowSchema) {
        this.levelName = levelName;
        this.flowSchema = flowSchema;
        this.levelUid = uid("prioritylevelconfiguration/" + levelName);
        this.flowSchemaUid = uid("flowschema/" + flowSchema);
    }

    /** The level for a user in {@code groups}. */
    public static PriorityLevel of(List<String> groups) {
        return groups.contains(EXEMPT_GROUP) ? EXEMPT : GLOBAL_DEFAULT;
    }

    /** kube's name of the level ({@code priority_level} metric label). */
    public String levelName() {
        return levelName;
    }

    /** kube's name of the FlowSchema leading here ({@code flow_schema} metric label). */
    public String flowSchema() {
        return flowSchema;
    }

    public String levelUid() {
        return levelUid;
    }

    public String flowSchemaUid() {
        return flowSchemaUid;
    }

    private static String uid(String name) {
        return UUID.nameUUIDFromBytes(("kubelite/flowcontrol/" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
