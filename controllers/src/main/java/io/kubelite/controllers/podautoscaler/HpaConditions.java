package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.kubelite.controllers.util.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An HPA's conditions as kube's {@code setCondition} keeps them: one per type, in first-set order;
 * {@code lastTransitionTime} moves only when the status changes. Not thread-safe: one per sync.
 */
final class HpaConditions {
    private final List<HorizontalPodAutoscalerCondition> conditions;
    private final Instant now;

    HpaConditions(List<HorizontalPodAutoscalerCondition> current, Instant now) {
        this.conditions = new ArrayList<>(current);
        this.now = now;
    }

    void set(String type, String status, String reason, String message) {
        for (int i = 0; i < conditions.size(); i++) {
            HorizontalPodAutoscalerCondition c = conditions.get(i);
            if (c.getType().equals(type)) {
                HorizontalPodAutoscalerCondition.Builder b =
                        c.toBuilder().setReason(reason).setMessage(message);
                if (!c.getStatus().equals(status)) {
                    b.setStatus(status).setLastTransitionTime(Times.ts(now));
                }
                conditions.set(i, b.build());
                return;
            }
        }
        conditions.add(HorizontalPodAutoscalerCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastTransitionTime(Times.ts(now))
                .build());
    }

    List<HorizontalPodAutoscalerCondition> list() {
        return List.copyOf(conditions);
    }
}
