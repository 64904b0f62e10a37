package io.kubelite.kinds.policy.poddisruptionbudget;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Condition;
import io.kubelite.api.PodDisruptionBudgetStatus;
import java.time.Instant;

/**
 * kube's {@code pdbhelper.UpdateDisruptionAllowedCondition} and {@code apimeta.SetStatusCondition},
 * shared by the disruption controller and the eviction subresource: the {@code DisruptionAllowed}
 * condition follows {@code disruptionsAllowed}, its transition time moving only when its status does.
 */
public final class DisruptionAllowedCondition {
    public static final String TYPE = "DisruptionAllowed";

    private DisruptionAllowedCondition() {}

    /** Sets DisruptionAllowed True/SufficientPods or False/InsufficientPods from {@code disruptionsAllowed}. */
    public static void update(PodDisruptionBudgetStatus.Builder st, Instant now) {
        boolean allowed = st.getDisruptionsAllowed() > 0;
        set(st, allowed ? "True" : "False", allowed ? "SufficientPods" : "InsufficientPods", "", now);
    }

    /** kube's {@code SetStatusCondition} for the DisruptionAllowed condition. */
    public static void set(
            PodDisruptionBudgetStatus.Builder st, String status, String reason, String message, Instant now) {
        Condition.Builder c = Condition.newBuilder()
                .setType(TYPE)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setObservedGeneration(st.getObservedGeneration())
                .setLastTransitionTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()));
        for (int i = 0; i < st.getConditionsCount(); i++) {
            Condition old = st.getConditions(i);
            if (old.getType().equals(TYPE)) {
                if (old.getStatus().equals(status)) {
                    c.setLastTransitionTime(old.getLastTransitionTime());
                }
                st.setConditions(i, c);
                return;
            }
        }
        st.addConditions(c);
    }

    /** Whether the condition already says what {@link #update} would (kube's {@code ConditionsAreUpToDate}). */
    public static boolean upToDate(PodDisruptionBudgetStatus st, long generation) {
        for (Condition c : st.getConditionsList()) {
            if (c.getType().equals(TYPE)) {
                boolean allowed = st.getDisruptionsAllowed() > 0;
                return st.getObservedGeneration() == generation
                        && c.getStatus().equals(allowed ? "True" : "False")
                        && c.getReason().equals(allowed ? "SufficientPods" : "InsufficientPods");
            }
        }
        return false;
    }
}
