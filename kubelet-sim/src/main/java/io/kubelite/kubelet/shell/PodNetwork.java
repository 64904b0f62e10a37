package io.kubelite.kubelet.shell;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The network a simulated container's commands ({@code nslookup}, {@code wget}, {@code curl},
 * {@code nc}) reach: its pod's network namespace. The kubelet-sim implements it by routing a new
 * connection through the source node's kube-proxy rules to the endpoint's simulated server; the
 * shell knows nothing of nodes, rules or pods.
 *
 * <p>Implementations never block the caller and never send packets to a simulated pod or Service
 * IP: the returned futures complete on the implementation's own threads, with a reply or a
 * {@link Failure}; they never complete exceptionally for a network outcome.
 */
public interface PodNetwork {
    /** Why no server answered, as the socket API reports it. */
    enum Failure {
        /** ECONNREFUSED: nothing listens there, or a REJECT rule (a Service without endpoints). */
        REFUSED,
        /** No answer within the timeout: a DROP rule, or an address nothing routes to. */
        TIMED_OUT,
        /** EHOSTUNREACH / ENETUNREACH: the pod has no network (no IP yet, no route). */
        UNREACHABLE
    }

    /**
     * What an exchange returned: {@code response} (possibly empty) when a server answered,
     * else {@code failure}; {@code detail} says, for logs and tests, how the connection was
     * routed (e.g. {@code "10.96.0.12:80 -> 10.244.1.7:8080 (KUBE-SVC-...)"}).
     */
    record Reply(byte[] response, Failure failure, String detail) {
        public static Reply of(byte[] response, String detail) {
            return new Reply(response, null, detail);
        }

        public static Reply failed(Failure failure, String detail) {
            return new Reply(new byte[0], failure, detail);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    /** The pod's IP, the source address of its connections; empty when it has none. */
    String podIp();

    /**
     * Opens a TCP connection from the pod to {@code ip:port}, writes {@code request} (empty for
     * a connect-only check such as {@code nc -z}), half-closes, and completes with everything the
     * server sent before it closed. {@code timeout} bounds the whole exchange (real time).
     */
    CompletableFuture<Reply> tcp(String ip, int port, byte[] request, Duration timeout);

    /** Sends one UDP datagram from the pod to {@code ip:port} and completes with the first reply. */
    CompletableFuture<Reply> udp(String ip, int port, byte[] datagram, Duration timeout);

    /** No network at all: every exchange fails {@link Failure#UNREACHABLE} (a shell outside a pod, tests). */
    PodNetwork NONE = new PodNetwork() {
        @Override
        public String podIp() {
            return "";
        }

        @Override
        public CompletableFuture<Reply> tcp(String ip, int port, byte[] request, Duration timeout) {
            return CompletableFuture.completedFuture(Reply.failed(Failure.UNREACHABLE, "no pod network"));
        }

        @Override
        public CompletableFuture<Reply> udp(String ip, int port, byte[] datagram, Duration timeout) {
            return CompletableFuture.completedFuture(Reply.failed(Failure.UNREACHABLE, "no pod network"));
        }
    };
}
