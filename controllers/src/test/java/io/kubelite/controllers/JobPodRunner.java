package io.kubelite.controllers;

import io.kubelite.api.ContainerState;
import io.kubelite.api.ContainerStateRunning;
import io.kubelite.api.ContainerStateTerminated;
import io.kubelite.api.ContainerStatus;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Preconditions;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/**
 * Stands in for the scheduler and kubelet for Job pods, writing pod status as a kubelet would,
 * with times from the controllers' clock: a new pod is bound to {@code node-1} and Running; on a
 * later round its single container ends with the exit code {@link #exitCode} gives (null: it keeps
 * running), phase Succeeded or Failed, Ready False. A terminating pod is finished (Failed unless
 * already terminal, grace 0) and removed once it has no finalizers, as the API server would.
 */
final class JobPodRunner implements AutoCloseable {
    private final ControllerManagerUnderTest h;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;
    volatile Function<Pod, Integer> exitCode = p -> 0;

    JobPodRunner(ControllerManagerUnderTest h, Clock clock) {
        this.h = h;
        this.clock = clock;
        thread = new Thread(this::loop, "job-pod-runner");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!closed) {
            try {
                for (Pod p : h.list(PodKind.RESOURCE, null)) {
                    step(p);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a conflict with the controller: next round
            }
        }
    }

    private void step(Pod p) {
        var pods = h.of(PodKind.RESOURCE);
        var m = p.getMetadata();
        if (Pods.isTerminating(p)) {
            if (m.getFinalizersCount() == 0) {
                Pods.forceDelete(pods, p).join();
            } else if (!Pods.isTerminal(p) || m.getDeletionGracePeriodSeconds() != 0) {
                write(p, c -> {
                    var b = c.toBuilder();
                    b.getMetadataBuilder().setDeletionGracePeriodSeconds(0);
                    if (!Pods.isTerminal(c)) {
                        b.setStatus(terminated(c, 137, "Failed"));
                    }
                    return b.build();
                });
            }
            return;
        }
        if (Pods.isTerminal(p)) {
            return;
        }
        if (p.getSpec().getNodeName().isEmpty()) {
            write(p, c -> {
                var b = c.toBuilder();
                b.getSpecBuilder().setNodeName("node-1");
                var now = Times.ts(clock.instant().truncatedTo(ChronoUnit.SECONDS));
                PodStatus.Builder st =
                        c.getStatus().toBuilder().setPhase("Running").clearContainerStatuses();
                st.addContainerStatuses(ContainerStatus.newBuilder()
                        .setName(c.getSpec().getContainers(0).getName())
                        .setState(ContainerState.newBuilder()
                                .setRunning(ContainerStateRunning.newBuilder().setStartedAt(now))));
                b.setStatus(Pods.withCondition(
                        st.build(),
                        PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")
                                .setLastTransitionTime(now)
                                .build()));
                return b.build();
            });
            return;
        }
        Integer code = exitCode.apply(p);
        if (code != null) {
            write(
                    p,
                    c -> Pods.isTerminal(c) || Pods.isTerminating(c)
                            ? c
                            : c.toBuilder()
                                    .setStatus(terminated(c, code, code == 0 ? "Succeeded" : "Failed"))
                                    .build());
        }
    }

    private PodStatus terminated(Pod c, int code, String phase) {
        var now = Times.ts(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        PodStatus.Builder st = c.getStatus().toBuilder().setPhase(phase).clearContainerStatuses();
        st.addContainerStatuses(ContainerStatus.newBuilder()
                .setName(c.getSpec().getContainers(0).getName())
                .setState(ContainerState.newBuilder()
                        .setTerminated(ContainerStateTerminated.newBuilder()
                                .setExitCode(code)
                                .setReason(code == 0 ? "Completed" : "Error")
                                .setFinishedAt(now))));
        return Pods.withCondition(
                st.build(),
                PodCondition.newBuilder()
                        .setType("Ready")
                        .setStatus("False")
                        .setReason("PodCompleted")
                        .setLastTransitionTime(now)
                        .build());
    }

    private void write(Pod p, java.util.function.UnaryOperator<Pod> fn) {
        var m = p.getMetadata();
        ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                .guaranteedUpdate(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()), fn));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
