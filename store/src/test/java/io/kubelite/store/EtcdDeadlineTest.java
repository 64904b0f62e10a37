package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The per-call deadline bounds the whole call, the caller's wait included, when etcd does
 * not answer at all: a member that accepts connections and then says nothing (frozen,
 * SIGSTOPped), one whose connection attempts are dropped (a host down or cut off), and an
 * address where nothing listens — each from a fresh client, whose first call used to
 * spend about a second initialising gRPC in the caller's thread, on top of its deadline.
 */
class EtcdDeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(500);
    /** How long call() may take to hand back its future: initialising gRPC in the caller's thread took ~1 s. */
    private static final long RETURN_SLACK_MS = 700;
    /**
     * What the call may take beyond its deadline: a timer's and a thread hop's delay on a CI machine
     * running two test JVMs per module beside other modules' clusters (1.3 s seen at load 20). Without
     * the deadline a frozen member's call never ends, and the caller-blocking regression is caught by
     * {@link #RETURN_SLACK_MS}.
     */
    private static final long FAIL_SLACK_MS = 2_000;

    @Test
    void aSilentEndpointFailsTheCallAtItsDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Etcd etcd =
                        Etcd.connect(new EtcdConfig(List.of("127.0.0.1:" + silent.getLocalPort()), "/t", DEADLINE))) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(
                    () -> {
                        try {
                            while (true) {
                                held.add(silent.accept()); // accept and never answer
                            }
                        } catch (Exception closed) {
                            // test over
                        }
                    },
                    "silent-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 3; i++) {
                assertFailsWithinDeadline(etcd);
            }
        }
    }

    @Test
    void anAddressWhereNothingListensFailsTheCallAtItsDeadline() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Etcd etcd = Etcd.connect(new EtcdConfig(List.of("127.0.0.1:" + port), "/t", DEADLINE))) {
            for (int i = 0; i < 3; i++) {
                assertFailsWithinDeadline(etcd);
            }
        }
    }

    @Test
    void anEndpointThatDropsConnectionAttemptsFailsTheCallAtItsDeadline() throws Exception {
        // a listener that never accepts, its accept queue full: Linux then drops further SYNs, so a
        // connect hangs as it does towards a host that is down or cut off
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (java.io.IOException e) {
                    s.close();
                    break;
                }
            }
            try (Etcd etcd =
                    Etcd.connect(new EtcdConfig(List.of("127.0.0.1:" + full.getLocalPort()), "/t", DEADLINE))) {
                for (int i = 0; i < 3; i++) {
                    assertFailsWithinDeadline(etcd);
                }
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    private static void assertFailsWithinDeadline(Etcd etcd) {
        long t0 = System.nanoTime();
        CompletableFuture<?> f =
                etcd.call("/t/k", () -> etcd.client().getKVClient().get(Etcd.bytes("/t/k")));
        long returnedAfter = (System.nanoTime() - t0) / 1_000_000;
        assertThatThrownBy(f::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(UnavailableException.class);
        long failedAfter = (System.nanoTime() - t0) / 1_000_000;
        assertThat(returnedAfter)
                .as("call() returned its future after %d ms (it must not block its caller)", returnedAfter)
                .isLessThan(RETURN_SLACK_MS);
        assertThat(failedAfter)
                .as("the call failed %d ms after it started, deadline %d ms", failedAfter, DEADLINE.toMillis())
                .isBetween(DEADLINE.toMillis() - 50, DEADLINE.toMillis() + FAIL_SLACK_MS);
    }
}
