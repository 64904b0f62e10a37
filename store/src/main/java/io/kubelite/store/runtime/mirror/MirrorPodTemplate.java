package io.kubelite.store.runtime.mirror;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.HTTPGetAction;
import io.kubelite.api.HostIP;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodIP;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Probe;
import io.kubelite.api.Toleration;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.time.Instant;
import java.util.List;

/**
 * The shape every kubelite mirror pod shares, after kubeadm's static pod manifests: labels
 * {@code component} and {@code tier=control-plane}, one container named for the component
 * running its command line, {@code hostNetwork}, priority class
 * {@code system-node-critical}, a toleration of every NoExecute taint, and a Running
 * status whose Ready and ContainersReady conditions (and the container's {@code ready})
 * follow the process's readiness. {@link MirrorPodMerge} adds uid, timestamps and the
 * mirror annotations.
 */
public final class MirrorPodTemplate {
    /** kube's value for {@code system-node-critical}. */
    static final int SYSTEM_NODE_CRITICAL = 2_000_001_000;

    /** The image shown for kubelite's own processes. */
    public static final String KUBELITE_IMAGE = "ghcr.io/kubelite/kubelite:0.1.0";

    /**
     * What varies between mirror pods.
     *
     * @param name        pod name, e.g. {@code kube-scheduler-host-4242}
     * @param component   the {@code component} label and container name, e.g. {@code kube-scheduler}
     * @param nodeName    the publishing process's host (not a kubelite Node)
     * @param ip          host and pod IP (host network)
     * @param image       the container image shown
     * @param command     the container's command line
     * @param healthPort  the process's health server port: readiness probe and, when
     *                    {@code logs}, where {@code pods/log} goes; 0 for none
     * @param logs        whether {@code /logs} is served on {@code healthPort}
     * @param ready       the process's readiness now
     * @param startTime   when the process started; null: the pod's creation
     * @param decoration  extra labels and named container ports
     */
    public record Shape(
            String name,
            String component,
            String nodeName,
            String ip,
            String image,
            List<String> command,
            int healthPort,
            boolean logs,
            boolean ready,
            Instant startTime,
            MirrorPodDecoration decoration) {
        /** Without decoration: a control-plane process's or an etcd member's pod. */
        public Shape(
                String name,
                String component,
                String nodeName,
                String ip,
                String image,
                List<String> command,
                int healthPort,
                boolean logs,
                boolean ready,
                Instant startTime) {
            this(
                    name,
                    component,
                    nodeName,
                    ip,
                    image,
                    command,
                    healthPort,
                    logs,
                    ready,
                    startTime,
                    MirrorPodDecoration.NONE);
        }

        /** The same shape with readiness {@code r}. */
        public Shape withReady(boolean r) {
            return new Shape(name, component, nodeName, ip, image, command, healthPort, logs, r, startTime, decoration);
        }
    }

    private MirrorPodTemplate() {}

    public static Pod pod(Shape s) {
        ObjectMeta.Builder meta = ObjectMeta.newBuilder()
                .setName(s.name())
                .setNamespace(MirrorPods.NAMESPACE)
                .putLabels("component", s.component())
                .putLabels("tier", "control-plane")
                .putAllLabels(s.decoration().labels());
        if (s.logs() && s.healthPort() > 0) {
            meta.putAnnotations(MirrorPods.LOG_PORT, Integer.toString(s.healthPort()));
        }
        Container.Builder c = Container.newBuilder()
                .setName(s.component())
                .setImage(s.image())
                .addAllCommand(s.command())
                .setImagePullPolicy("IfNotPresent");
        for (MirrorPodDecoration.Port p : s.decoration().ports()) {
            c.addPorts(ContainerPort.newBuilder()
                    .setName(p.name())
                    .setContainerPort(p.port())
                    .setProtocol(p.protocol()));
        }
        if (s.healthPort() > 0) {
            c.setReadinessProbe(Probe.newBuilder()
                    .setHttpGet(HTTPGetAction.newBuilder()
                            .setHost(s.ip())
                            .setPath("/readyz")
                            .setPort(Value.newBuilder().setNumberValue(s.healthPort()))
                            .setScheme("HTTP"))
                    .setPeriodSeconds(1)
                    .setTimeoutSeconds(15)
                    .setFailureThreshold(3)
                    .setSuccessThreshold(1));
        }
        PodSpec spec = PodSpec.newBuilder()
                .addContainers(c)
                .setNodeName(s.nodeName())
                .setHostNetwork(true)
                .setRestartPolicy("Always")
                .setTerminationGracePeriodSeconds(30)
                .setDnsPolicy("ClusterFirst")
                .setSchedulerName("default-scheduler")
                .setPriorityClassName("system-node-critical")
                .setPriority(SYSTEM_NODE_CRITICAL)
                .addTolerations(Toleration.newBuilder().setOperator("Exists").setEffect("NoExecute"))
                .build();
        String ready = s.ready() ? "True" : "False";
        PodStatus.Builder st = PodStatus.newBuilder()
                .setPhase("Running")
                .setHostIp(s.ip())
                .addHostIps(HostIP.newBuilder().setIp(s.ip()))
                .setPodIp(s.ip())
                .addPodIps(PodIP.newBuilder().setIp(s.ip()))
                .setQosClass("BestEffort")
                .addConditions(condition("PodReadyToStartContainers", "True"))
                .addConditions(condition("Initialized", "True"))
                .addConditions(condition("Ready", ready))
                .addConditions(condition("ContainersReady", ready))
                .addConditions(condition("PodScheduled", "True"));
        ContainerStateRunning.Builder running = ContainerStateRunning.newBuilder();
        if (s.startTime() != null) {
            Timestamp t = Timestamp.newBuilder()
                    .setSeconds(s.startTime().getEpochSecond())
                    .build();
            st.setStartTime(t);
            running.setStartedAt(t);
        }
        st.addContainerStatuses(ContainerStatus.newBuilder()
                .setName(s.component())
                .setImage(s.image())
                .setImageId(s.image())
                .setReady(s.ready())
                .setStarted(true)
                .setRestartCount(0)
                .setState(ContainerState.newBuilder().setRunning(running)));
        return Pod.newBuilder().setMetadata(meta).setSpec(spec).setStatus(st).build();
    }

    private static PodCondition condition(String type, String status) {
        return PodCondition.newBuilder().setType(type).setStatus(status).build();
    }
}
