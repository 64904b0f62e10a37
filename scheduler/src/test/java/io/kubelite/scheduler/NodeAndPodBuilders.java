package io.kubelite.scheduler;

import io.kubelite.api.Container;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.Node;
import io.kubelite.api.NodeCondition;
import io.kubelite.api.NodeSpec;
import io.kubelite.api.NodeStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.api.TopologySpreadConstraint;
import java.util.Map;

/** Builders for the Nodes and Pods the tests use. */
public final class NodeAndPodBuilders {
    private NodeAndPodBuilders() {}

    /** A Ready node with 4 cpu, 8Gi, 110 pods and the given labels. */
    public static Node.Builder node(String name, Map<String, String> labels) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).putAllLabels(labels))
                .setSpec(NodeSpec.newBuilder())
                .setStatus(NodeStatus.newBuilder()
                        .putAllocatable("cpu", "4")
                        .putAllocatable("memory", "8Gi")
                        .putAllocatable("pods", "110")
                        .putCapacity("cpu", "4")
                        .putCapacity("memory", "8Gi")
                        .putCapacity("pods", "110")
                        .addConditions(
                                NodeCondition.newBuilder().setType("Ready").setStatus("True")));
    }

    public static Node.Builder node(String name) {
        return node(name, Map.of());
    }

    public static Node.Builder withAllocatable(Node.Builder n, String cpu, String memory, String pods) {
        n.getStatusBuilder()
                .putAllocatable("cpu", cpu)
                .putAllocatable("memory", memory)
                .putAllocatable("pods", pods);
        return n;
    }

    public static Node.Builder withTaint(Node.Builder n, String key, String value, String effect) {
        n.getSpecBuilder()
                .addTaints(Taint.newBuilder().setKey(key).setValue(value).setEffect(effect));
        return n;
    }

    /** A pending pod in {@code default} with one container requesting {@code cpu} (null: nothing). */
    public static Pod.Builder pod(String name, Map<String, String> labels, String cpu) {
        ResourceRequirements.Builder rr = ResourceRequirements.newBuilder();
        if (cpu != null) {
            rr.putRequests("cpu", cpu);
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .putAllLabels(labels))
                .setSpec(PodSpec.newBuilder()
                        .setSchedulerName("default-scheduler")
                        .addContainers(Container.newBuilder()
                                .setName("c")
                                .setImage("busybox")
                                .setResources(rr)));
    }

    public static Pod.Builder pod(String name) {
        return pod(name, Map.of(), null);
    }

    public static Pod.Builder spread(
            Pod.Builder p, int maxSkew, String key, String when, Map<String, String> selector) {
        p.getSpecBuilder()
                .addTopologySpreadConstraints(TopologySpreadConstraint.newBuilder()
                        .setMaxSkew(maxSkew)
                        .setTopologyKey(key)
                        .setWhenUnsatisfiable(when)
                        .setLabelSelector(LabelSelector.newBuilder().putAllMatchLabels(selector)));
        return p;
    }

    public static Pod.Builder tolerate(Pod.Builder p, String key, String op, String value, String effect) {
        p.getSpecBuilder()
                .addTolerations(Toleration.newBuilder()
                        .setKey(key)
                        .setOperator(op)
                        .setValue(value)
                        .setEffect(effect));
        return p;
    }

    public static Pod.Builder boundTo(Pod.Builder p, String node) {
        p.getSpecBuilder().setNodeName(node);
        p.getStatusBuilder().setPhase("Running");
        return p;
    }
}
