package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.PodNetwork;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving end of the simulated pod network on this process's nodes: a TCP exchange that
 * another kubelet-sim routed to one of our pods' IPs ({@code POST /simnet/tcp} on the
 * {@link LogServer}). Completes on the implementation's threads, never exceptionally.
 */
public interface PodTraffic {
    CompletableFuture<PodNetwork.Reply> deliverTcp(
            String srcIp, int srcPort, String dstIp, int dstPort, byte[] request);

    /** No pod network here: nothing answers. */
    PodTraffic NONE = (srcIp, srcPort, dstIp, dstPort, request) -> CompletableFuture.completedFuture(
            PodNetwork.Reply.failed(PodNetwork.Failure.TIMED_OUT, "no pod network on this kubelet-sim"));
}
