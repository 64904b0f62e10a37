package io.kubelite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that has nothing to do keeps its connection: its keepalive fits etcd's
 * enforcement policy, so etcd never answers it with GOAWAY {@code too_many_pings} (which
 * fails every call in flight on that connection and makes gRPC back its pings off).
 *
 * <p>etcd counts a strike for every ping on a connection without an active stream and
 * sends the GOAWAY after the third, so a client pinging every 10 s while idle (gRPC's
 * minimum interval) is cut off after 40 s; the test stays idle for 45 s.
 */
class EtcdKeepaliveTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.managed(1);

    private static final Duration IDLE = Duration.ofSeconds(45);

    @Test
    void anIdleClientKeepsItsConnection() {
        List<String> goaways = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getMessage() + " " + java.util.Arrays.toString(r.getParameters());
                if (m.contains("GOAWAY") || m.contains("too_many_pings")) {
                    goaways.add(r.getLoggerName() + ": " + m);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        // gRPC logs through java.util.logging; keep a reference, or the logger (and handler) may be collected
        Logger grpc = Logger.getLogger("io.grpc");
        grpc.addHandler(h);
        try {
            Etcd etcd = ETCD.connect(ETCD.newPrefix());
            etcd.call("/k", () -> etcd.client().getKVClient().get(Etcd.bytes("/k")))
                    .join();
            Poll.holds(
                    IDLE,
                    "no GOAWAY from etcd while the client is idle",
                    () -> assertThat(goaways).as("GOAWAYs received").isEmpty());
            etcd.call("/k", () -> etcd.client().getKVClient().get(Etcd.bytes("/k")))
                    .join();
            assertThat(goaways).as("GOAWAYs received").isEmpty();
        } finally {
            grpc.removeHandler(h);
        }
    }
}
