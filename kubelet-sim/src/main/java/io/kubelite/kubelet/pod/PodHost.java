package io.kubelite.kubelet.pod;

import io.kubelite.kubelet.config.ConfigObjects;
import io.kubelite.kubelet.config.ProjectedTokens;
import io.kubelite.kubelet.network.NodeNetworking;
import io.kubelite.kubelet.runtime.ContainerRuntime;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import io.kubelite.kubelet.usage.UsageTracker;
import java.time.Duration;
import java.util.Map;

/** What a {@link PodWorker} needs from its node and process. */
public interface PodHost {
    ContainerRuntime runtime();

    String nodeName();

    /** The node's address (status.hostIP). */
    String hostIp();

    /** An IP for the pod from the node's podCIDR, or null while the node has none (the pod waits). */
    String allocatePodIp(String uid);

    /** Re-registers an IP a previous process gave the pod; false if it cannot be kept. */
    boolean reservePodIp(String ip, String uid);

    void releasePodIp(String uid);

    /** The worker's status changed: write it (coalesced). */
    void statusChanged(PodWorker worker);

    /** The pod no longer holds node resources (it ended or is gone). */
    void released(PodWorker worker);

    /** The node's allocatable: what downward-API limits a container leaves unset default to. */
    default Map<String, String> allocatable() {
        return Map.of();
    }

    /** The tokens of service-account token projections (unsigned unless a key was given). */
    default ProjectedTokens projectedTokens() {
        return ProjectedTokens.UNSIGNED;
    }

    /** The ConfigMaps, Secrets and Services containers' environments and volumes are made of. */
    default ConfigObjects config() {
        return ConfigObjects.NONE;
    }

    /** The node's own files, where hostPath volumes live (kept while the process runs). */
    default SimulatedFilesystem hostFilesystem() {
        return SimulatedFilesystem.empty();
    }

    /** How often configMap, secret, downwardAPI and projected volumes are brought up to date (unscaled). */
    default Duration configSyncPeriod() {
        return Duration.ofMinutes(1);
    }

    /** The node's side of pod networking: DNS files and each container's network. */
    default NodeNetworking networking() {
        return NodeNetworking.NONE;
    }

    /** Where the node's container instances are reported for their usage to be simulated. */
    default UsageTracker usage() {
        return UsageTracker.NONE;
    }

    /** Where this node's pod Events go. */
    default PodEvents events() {
        return PodEvents.NONE;
    }

    /**
     * True while the node's heartbeats are stopped (a node cut off from the control plane): its
     * pods' status is not written until they resume.
     */
    default boolean heartbeatsStopped() {
        return false;
    }
}
