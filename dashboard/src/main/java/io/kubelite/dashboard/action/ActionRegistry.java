package io.kubelite.dashboard.action;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The actions the dashboard serves, by name. The one place a new action is registered. */
public final class ActionRegistry {
    private final Map<String, Action> actions = new LinkedHashMap<>();

    /** Every built-in action (none yet: scale, cordon, fail-node, ... come in later changes). */
    public static ActionRegistry builtIn() {
        return new ActionRegistry()
                .register(new DeletePodAction())
                .register(new ScaleAction())
                .register(new RolloutRestartAction())
                .register(new RolloutUndoAction())
                .register(new ApplyManifestAction())
                .register(new CordonAction(true))
                .register(new CordonAction(false))
                .register(new NodeHeartbeatsAction(true))
                .register(new NodeHeartbeatsAction(false))
                .register(new DrainAction());
    }

    public ActionRegistry register(Action action) {
        if (actions.putIfAbsent(action.name(), action) != null) {
            throw new IllegalArgumentException("two actions named " + action.name());
        }
        return this;
    }

    public Optional<Action> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }
}
