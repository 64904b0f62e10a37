package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.runtime.Behaviour;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A pod's containers as {@link Slot}s, init containers and app containers each in spec order,
 * every one with its behaviour (from the pod's annotations) and the kubelet's back-offs. Fixed
 * when the worker is created; the slots' state is guarded by the pod's lock.
 */
final class PodContainers {
    private final List<Slot> init;
    private final List<Slot> app;
    private final List<Slot> all;

    PodContainers(Pod pod, TimeScale scale) {
        Map<String, String> annotations = pod.getMetadata().getAnnotationsMap();
        Supplier<RestartBackoff> backoffs = () -> RestartBackoff.kubelet(scale);
        List<Slot> i = new ArrayList<>();
        for (Container c : pod.getSpec().getInitContainersList()) {
            i.add(new Slot(c, true, Behaviour.of(annotations, c.getName()), backoffs));
        }
        List<Slot> a = new ArrayList<>();
        for (Container c : pod.getSpec().getContainersList()) {
            a.add(new Slot(c, false, Behaviour.of(annotations, c.getName()), backoffs));
        }
        // List.copyOf: the empty list is shared and one or two slots take one small object, where
        // an unmodifiable ArrayList took three (some 200 bytes of every pod for three lists)
        this.init = List.copyOf(i);
        this.app = List.copyOf(a);
        this.all = i.isEmpty() ? app : concat(init, app);
    }

    private static List<Slot> concat(List<Slot> first, List<Slot> second) {
        List<Slot> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }

    List<Slot> init() {
        return init;
    }

    List<Slot> app() {
        return app;
    }

    /** Init containers first. */
    List<Slot> all() {
        return all;
    }

    boolean anyRunning() {
        for (Slot s : all) {
            if (s.isRunning()) {
                return true;
            }
        }
        return false;
    }

    /** True when there are app containers and every one exited 0. */
    boolean appsSucceeded() {
        boolean ok = !app.isEmpty();
        for (Slot s : app) {
            ok &= s.succeeded();
        }
        return ok;
    }

    List<ContainerView> initViews() {
        return views(init);
    }

    List<ContainerView> appViews() {
        return views(app);
    }

    private static List<ContainerView> views(List<Slot> slots) {
        List<ContainerView> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            out.add(s.view());
        }
        return out;
    }
}
