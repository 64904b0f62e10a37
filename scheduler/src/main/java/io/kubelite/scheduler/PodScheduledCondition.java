package io.kubelite.scheduler;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import java.time.Instant;

/** The pod changes the scheduler writes: the binding and the PodScheduled condition. */
final class PodScheduledCondition {
    static final String POD_SCHEDULED = "PodScheduled";
    static final String REASON_UNSCHEDULABLE = "Unschedulable";

    private PodScheduledCondition() {}

    /** {@code pod} bound to {@code nodeName}, with PodScheduled=True (as the API server's binding sets it). */
    static Pod bound(Pod pod, String nodeName) {
        return pod.toBuilder()
                .setSpec(pod.getSpec().toBuilder().setNodeName(nodeName))
                .setStatus(withCondition(pod.getStatus(), "True", "", ""))
                .build();
    }

    /** {@code pod} with PodScheduled=False/Unschedulable/message, or null if it already says exactly that. */
    static Pod unschedulable(Pod pod, String message) {
        PodCondition cur = find(pod.getStatus());
        if (cur != null
                && cur.getStatus().equals("False")
                && cur.getReason().equals(REASON_UNSCHEDULABLE)
                && cur.getMessage().equals(message)) {
            return null;
        }
        return pod.toBuilder()
                .setStatus(withCondition(pod.getStatus(), "False", REASON_UNSCHEDULABLE, message))
                .build();
    }

    static PodCondition find(PodStatus status) {
        for (PodCondition c : status.getConditionsList()) {
            if (c.getType().equals(POD_SCHEDULED)) {
                return c;
            }
        }
        return null;
    }

    private static PodStatus withCondition(PodStatus status, String value, String reason, String message) {
        PodStatus.Builder b = status.toBuilder();
        PodCondition.Builder c = PodCondition.newBuilder()
                .setType(POD_SCHEDULED)
                .setStatus(value)
                .setReason(reason)
                .setMessage(message);
        for (int i = 0; i < b.getConditionsCount(); i++) {
            PodCondition old = b.getConditions(i);
            if (old.getType().equals(POD_SCHEDULED)) {
                c.setLastTransitionTime(
                        old.getStatus().equals(value) && old.hasLastTransitionTime()
                                ? old.getLastTransitionTime()
                                : now());
                b.setConditions(i, c);
                return b.build();
            }
        }
        c.setLastTransitionTime(now());
        b.addConditions(c);
        return b.build();
    }

    private static Timestamp now() {
        return Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    }
}
