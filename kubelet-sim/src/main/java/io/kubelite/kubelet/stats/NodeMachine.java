package io.kubelite.kubelet.stats;

import io.kubelite.api.Node;
import io.kubelite.api.Quantity;

/**
 * What cAdvisor's machine metrics say of a node, read from the Node kubelet-sim registered: its
 * logical cores (the CPU capacity, rounded up to whole cores as a machine has them), its memory
 * capacity and the identities {@code status.nodeInfo} carries.
 */
public record NodeMachine(
        String node, long cores, long memoryBytes, String machineId, String systemUuid, String bootId) {

    public static NodeMachine of(Node n) {
        String cpu = n.getStatus().getCapacityMap().getOrDefault("cpu", "0");
        String memory = n.getStatus().getCapacityMap().getOrDefault("memory", "0");
        return new NodeMachine(
                n.getMetadata().getName(),
                (Quantity.cpuMillis(cpu) + 999) / 1000,
                Quantity.bytes(memory),
                n.getStatus().getNodeInfo().getMachineId(),
                n.getStatus().getNodeInfo().getSystemUuid(),
                n.getStatus().getNodeInfo().getBootId());
    }
}
