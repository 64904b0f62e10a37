package io.kubelite.controllers;

import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import java.lang.reflect.Method;
import java.util.Map;

/** Test fixtures for the benchmark, which lives in another package. */
public final class ControllerTestObjects {
    private ControllerTestObjects() {}

    public static Node readyNode(String name) {
        return ControllerManagerUnderTest.readyNode(name, Map.of());
    }

    public static ReplicaSet replicaSet(String name, int replicas) {
        return NodeLifecycleTest.rs(name, replicas, 300);
    }

    /** The pod the ReplicaSet controller would create (package-private there). */
    public static Pod podFromTemplate(ReplicaSet rs) {
        try {
            Method m = io.kubelite.controllers.replicaset.ReplicaSetController.class.getDeclaredMethod(
                    "podFromTemplate", ReplicaSet.class);
            m.setAccessible(true);
            return (Pod) m.invoke(null, rs);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
