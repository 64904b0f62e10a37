package io.kubelite.store;

import io.kubelite.api.Container;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;

/** Small objects for store tests. */
public final class TestObjects {
    private TestObjects() {}

    public static Pod pod(String ns, String name) {
        return Pod.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace(ns).setName(name).putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage("nginx")))
                .build();
    }

    public static Node node(String name) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .build();
    }
}
