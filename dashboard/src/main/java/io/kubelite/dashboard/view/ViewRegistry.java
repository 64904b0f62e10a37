package io.kubelite.dashboard.view;

import io.kubelite.dashboard.view.topology.TopologyView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The views the dashboard serves, by name. The one place a new view is registered. */
public final class ViewRegistry {
    private final Map<String, View> views = new LinkedHashMap<>();

    /** Every built-in view. Add a new view here (one line) after writing its class. */
    public static ViewRegistry builtIn(ViewContext ctx) {
        return new ViewRegistry()
                .register(new NamespacesView(ctx))
                .register(new OverviewView(ctx))
                .register(new PodsView(ctx))
                .register(new PodDetailView(ctx))
                .register(new ServicesView(ctx))
                .register(new EventsView(ctx))
                .register(new WorkloadsView(ctx))
                .register(new ControlPlaneView(ctx))
                .register(new NodeDetailView(ctx))
                .register(new TopologyView(ctx));
    }

    public ViewRegistry register(View view) {
        if (views.putIfAbsent(view.name(), view) != null) {
            throw new IllegalArgumentException("two views named " + view.name());
        }
        return this;
    }

    public Optional<View> find(String name) {
        return Optional.ofNullable(views.get(name));
    }

    public Collection<View> all() {
        return views.values();
    }
}
