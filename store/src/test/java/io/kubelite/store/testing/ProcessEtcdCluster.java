package io.kubelite.store.testing;

import io.kubelite.store.local.EtcdBinary;
import io.kubelite.store.local.EtcdMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * etcd members started from the local binary ({@link EtcdMember}) on free 127.0.0.1
 * ports, each with its own data dir and log file under one temp dir, which
 * {@link #close()} removes. Members keep their ports and data across
 * {@link #kill}/{@link #restart}, as a real member would after a crash.
 *
 * <p>Tests get one through {@link EtcdExtension}; benchmarks and tests that need a
 * throw-away etcd with flags of their own (a small {@code --max-request-bytes}, a big
 * quota) call {@link #start(int, String...)}.
 */
public final class ProcessEtcdCluster implements EtcdCluster {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final List<String> extraFlags;
    private final Path root;
    private final List<EtcdMember> members = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    /**
     * Starts {@code size} members with {@code extraFlags} added to each command line and
     * waits until all are healthy. Throws {@link IllegalStateException} without an etcd
     * binary ({@code ETCD_BIN} or PATH).
     */
    public static ProcessEtcdCluster start(int size, String... extraFlags) {
        Path binary = EtcdBinary.etcd()
                .orElseThrow(() -> new IllegalStateException(
                        "no etcd binary: install etcd-server (apt-get install etcd-server), or set ETCD_BIN"));
        return new ProcessEtcdCluster(binary, size, List.of(extraFlags));
    }

    ProcessEtcdCluster(Path binary, int size, List<String> extraFlags) {
        this.binary = binary;
        this.extraFlags = List.copyOf(extraFlags);
        try {
            this.root = Files.createTempDirectory("kubelite-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Kill leftovers even when the test JVM is torn down abruptly.
        shutdownHook = new Thread(this::killAll, "etcd-harness-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            startFresh(size);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * A port probed free a moment ago can be bound by another process (a component some
     * earlier test is still tearing down, a CI neighbour) before etcd binds it. That is a
     * property of the machine, not of the code under test, so a fresh cluster whose member
     * lost that race is started again on other ports instead of failing the test.
     */
    private void startFresh(int size) {
        for (int attempt = 1; ; attempt++) {
            createMembers(size, attempt);
            try {
                for (EtcdMember m : members) {
                    m.start();
                }
                for (EtcdMember m : members) {
                    m.awaitHealthy(START_TIMEOUT);
                }
                return;
            } catch (IllegalStateException e) {
                boolean portTaken = members.stream().anyMatch(m -> m.logTail(20).contains("address already in use"));
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw new AssertionError(e.getMessage(), e);
                }
                killAll();
                members.clear();
            }
        }
    }

    private void createMembers(int size, int attempt) {
        String token = "kl-" + Long.toHexString(System.nanoTime());
        Set<Integer> taken = new HashSet<>();
        List<EtcdMember.Spec> specs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Path dir = root.resolve("a" + attempt).resolve("m" + i);
            specs.add(new EtcdMember.Spec(
                    "m" + i,
                    dir.resolve("data"),
                    dir.resolve("etcd.log"),
                    distinctPort(taken),
                    distinctPort(taken),
                    "",
                    token,
                    // idle watchers learn etcd's revision soon, so tests waiting on it stay short
                    Duration.ofSeconds(2),
                    false,
                    concat(List.of("--heartbeat-interval", "100", "--election-timeout", "1000"), extraFlags)));
        }
        String initial = String.join(
                ",", specs.stream().map(s -> s.name() + "=" + s.peerUrl()).toList());
        for (EtcdMember.Spec s : specs) {
            members.add(new EtcdMember(binary, s.inCluster(initial, token)));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Probing closes the socket, so two probes in a row may return the same port. */
    private static int distinctPort(Set<Integer> taken) {
        while (true) {
            int port = FreePorts.next();
            if (taken.add(port)) {
                return port;
            }
        }
    }

    @Override
    public List<String> endpoints() {
        return members.stream().map(EtcdMember::endpoint).toList();
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public boolean isManaged() {
        return true;
    }

    /** The process id of member {@code i} (for benchmarks that measure its CPU and memory). */
    public long pid(int i) {
        return members.get(i).pid();
    }

    @Override
    public synchronized void kill(int i) {
        members.get(i).kill();
    }

    @Override
    public synchronized void restart(int i) {
        EtcdMember m = members.get(i);
        m.start();
        // without quorum etcd 3.4 does not answer /health in time, so only a connection tells
        long running = members.stream().filter(EtcdMember::isRunning).count();
        try {
            if (running * 2 > members.size()) {
                m.awaitHealthy(START_TIMEOUT);
            } else {
                m.awaitListening(START_TIMEOUT);
            }
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Override
    public synchronized void pause(int i) {
        members.get(i).pause();
    }

    @Override
    public synchronized void resume(int i) {
        members.get(i).resume();
    }

    @Override
    public int leaderIndex() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            // etcdctl endpoint status prints "endpoint, id, version, dbsize, is_leader, ..."
            for (int i = 0; i < members.size(); i++) {
                EtcdMember m = members.get(i);
                if (!m.isRunning()) {
                    continue;
                }
                try {
                    String out = Etcdctl.run(List.of(m.endpoint()), "endpoint", "status", "-w", "simple");
                    String[] cols = out.trim().split(",\\s*");
                    if (cols.length > 4 && cols[4].trim().equals("true")) {
                        return i;
                    }
                } catch (RuntimeException | AssertionError ignored) {
                    // a member without quorum may not answer; try the others
                }
            }
            Poll.sleepQuietly(100);
        }
        throw new AssertionError("no etcd member reports itself leader within " + START_TIMEOUT);
    }

    @Override
    public String etcdctl(String... args) {
        List<String> live = members.stream()
                .filter(EtcdMember::isRunning)
                .map(EtcdMember::endpoint)
                .toList();
        return Etcdctl.run(live, args);
    }

    /** SIGKILL for every member: a paused member ignores SIGTERM until continued. */
    private void killAll() {
        for (EtcdMember m : members) {
            m.kill();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // SIGKILL, not a graceful stop: the data is thrown away with the temp dir anyway
        killAll();
        for (EtcdMember m : members) {
            m.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down: the hook runs anyway
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temp dir
        }
    }
}
