package io.kubelite.store.election;

import ch.qos.logback.classic.Level;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.Fence;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * Test-only main: one candidate in its own OS process, so tests can kill -9 or SIGSTOP a
 * leader. Args: endpoints(comma-separated) prefix electionName identity leaseMillis.
 *
 * <p>Prints {@code LEADING <token> <key>} and {@code STOPPED} as its listener is told.
 * Reads commands from stdin: {@code WRITE <key> <value>} does a write fenced with the
 * last leadership it was given (even if it has since been told it stopped leading, as a
 * deposed leader that has not noticed yet would) and prints {@code WROTE} or
 * {@code FENCED-OUT}. Exits when stdin closes.
 */
public final class ElectionChild {
    private ElectionChild() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.WARN);
        EtcdConfig config = new EtcdConfig(List.of(args[0].split(",")), args[1], Duration.ofSeconds(5));
        AtomicReference<Leadership> last = new AtomicReference<>();
        LeadershipListener listener = new LeadershipListener() {
            @Override
            public void onStartedLeading(Leadership l) {
                last.set(l);
                say("LEADING " + l.token() + " " + l.key());
            }

            @Override
            public void onStoppedLeading() {
                say("STOPPED");
            }
        };
        try (Etcd etcd = Etcd.connect(config);
                LeaderElector elector = new LeaderElector(
                        etcd, args[2], args[3], Duration.ofMillis(Long.parseLong(args[4])), listener)) {
            elector.start();
            say("STARTED");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" ");
                if (cmd.length == 3 && cmd[0].equals("WRITE")) {
                    Leadership l = last.get();
                    if (l == null) {
                        say("ERROR never led");
                    } else {
                        try {
                            say(fencedPut(etcd, l.fence(), cmd[1], cmd[2]) ? "WROTE" : "FENCED-OUT");
                        } catch (Exception e) {
                            say("ERROR " + e);
                        }
                    }
                }
            }
        }
    }

    /** A put guarded by {@code fence}; true if it was applied. */
    static boolean fencedPut(Etcd etcd, Fence fence, String key, String value) throws Exception {
        return etcd.call(
                        key,
                        () -> etcd.client()
                                .getKVClient()
                                .txn()
                                .If(fence.compares().toArray(Cmp[]::new))
                                .Then(Op.put(Etcd.bytes(key), Etcd.bytes(value), PutOption.DEFAULT))
                                .commit())
                .get(10, TimeUnit.SECONDS)
                .isSucceeded();
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
