package io.kubelite.store.runtime.mirror;

import io.kubelite.api.Pod;
import io.kubelite.kinds.core.pod.MirrorPods;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The mirror pod of the running process itself, e.g. {@code kube-scheduler-<id>}: what
 * {@code ComponentMain} publishes for every kubelite process. Ready follows the same
 * checks as the process's {@code /readyz}.
 */
public final class ProcessMirrorPod implements MirrorPodSource {
    private final MirrorPodTemplate.Shape shape;
    private final BooleanSupplier ready;

    /**
     * @param componentName the runtime's component name ({@code scheduler}, {@code apiserver}, ...)
     * @param identity      the process's {@code --id}
     * @param host          the process's host name, the pod's {@code spec.nodeName}
     * @param command       the process's command line
     * @param healthPort    its health server's port, which serves {@code /readyz} and {@code /logs}
     * @param started       when the process started
     * @param ready         the process's readiness ({@code /readyz}'s verdict)
     */
    public ProcessMirrorPod(
            String componentName,
            String identity,
            String host,
            List<String> command,
            int healthPort,
            Instant started,
            BooleanSupplier ready) {
        this(componentName, identity, host, command, healthPort, started, ready, MirrorPodDecoration.NONE);
    }

    /** As above, with the component's labels and named ports ({@code Component#mirrorPodDecoration}). */
    public ProcessMirrorPod(
            String componentName,
            String identity,
            String host,
            List<String> command,
            int healthPort,
            Instant started,
            BooleanSupplier ready,
            MirrorPodDecoration decoration) {
        String component = component(componentName);
        this.shape = new MirrorPodTemplate.Shape(
                podName(componentName, identity),
                component,
                MirrorPods.nameSegment(host),
                "127.0.0.1",
                MirrorPodTemplate.KUBELITE_IMAGE,
                List.copyOf(command),
                healthPort,
                true,
                false,
                started,
                decoration);
        this.ready = ready;
    }

    /** The {@code component} label: kube's name for the process ({@code kube-scheduler}), or the runtime's name when it already says kube. */
    public static String component(String componentName) {
        return componentName.startsWith("kube") ? componentName : "kube-" + componentName;
    }

    /** {@code <component>-<id>}, e.g. {@code kube-controller-manager-host-4242}. */
    public static String podName(String componentName, String identity) {
        return component(componentName) + "-" + MirrorPods.nameSegment(identity);
    }

    public String name() {
        return shape.name();
    }

    @Override
    public List<Pod> desired() {
        return List.of(MirrorPodTemplate.pod(shape.withReady(ready.getAsBoolean())));
    }
}
