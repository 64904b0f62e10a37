package io.kubelite.store.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * etcd members started from the local binary on free 127.0.0.1 ports, each with its
 * own temp data dir and a log file in it. Members keep their ports and data across
 * {@link #kill}/{@link #restart}, as a real member would after a crash.
 */
final class ProcessEtcdCluster implements EtcdCluster {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread shutdownHook;
    private boolean closed;

    ProcessEtcdCluster(Path binary, int size) {
        this.binary = binary;
        try {
            this.root = Files.createTempDirectory("kubelite-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Kill leftovers even when the test JVM is torn down abruptly.
        shutdownHook = new Thread(this::destroyAll, "etcd-harness-cleanup");
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
                for (Member m : members) {
                    m.start(binary);
                }
                for (Member m : members) {
                    awaitHealthy(m);
                }
                return;
            } catch (AssertionError e) {
                boolean portTaken = members.stream().anyMatch(m -> m.logTail().contains("address already in use"));
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
                destroyAll();
                members.clear();
            }
        }
    }

    private void createMembers(int size, int attempt) {
        String token = "kl-" + Long.toHexString(System.nanoTime());
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < size; i++) {
            members.add(new Member("m" + i, root.resolve("a" + attempt).resolve("m" + i),
                    distinctPort(taken), distinctPort(taken)));
        }
        StringBuilder initial = new StringBuilder();
        for (Member m : members) {
            if (initial.length() > 0) {
                initial.append(',');
            }
            initial.append(m.name).append("=http://127.0.0.1:").append(m.peerPort);
        }
        for (Member m : members) {
            m.initialCluster = initial.toString();
            m.clusterToken = token;
        }
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
        return members.stream().map(m -> "127.0.0.1:" + m.clientPort).toList();
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public boolean isManaged() {
        return true;
    }

    @Override
    public synchronized void kill(int i) {
        Member m = members.get(i);
        if (m.process != null) {
            m.process.destroyForcibly();
            waitFor(m.process);
            m.process = null;
        }
    }

    @Override
    public synchronized void restart(int i) {
        Member m = members.get(i);
        if (m.process != null && m.process.isAlive()) {
            throw new IllegalStateException("member " + m.name + " is still running; kill it first");
        }
        m.start(binary);
        awaitUp(m);
    }

    @Override
    public synchronized void pause(int i) {
        signal(members.get(i), "STOP");
    }

    @Override
    public synchronized void resume(int i) {
        signal(members.get(i), "CONT");
    }

    private void signal(Member m, String sig) {
        if (m.process == null || !m.process.isAlive()) {
            throw new IllegalStateException("member " + m.name + " is not running");
        }
        run(List.of("kill", "-" + sig, Long.toString(m.process.pid())));
    }

    @Override
    public int leaderIndex() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            // etcdctl endpoint status prints "endpoint, id, version, dbsize, is_leader, ..."
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                if (m.process == null || !m.process.isAlive()) {
                    continue;
                }
                try {
                    String out = etcdctlAt("127.0.0.1:" + m.clientPort, "endpoint", "status", "-w", "simple");
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
        List<String> live = new ArrayList<>();
        for (Member m : members) {
            if (m.process != null && m.process.isAlive()) {
                live.add("127.0.0.1:" + m.clientPort);
            }
        }
        return etcdctlAt(String.join(",", live), args);
    }

    private String etcdctlAt(String endpoints, String... args) {
        return Etcdctl.run(List.of(endpoints), args);
    }

    static String run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            String s = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + s);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitHealthy(Member m) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (m.process == null || !m.process.isAlive()) {
                throw new AssertionError("etcd member " + m.name + " exited at start; log: " + m.logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + m.clientPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Poll.sleepQuietly(50);
        }
        throw new AssertionError("etcd member " + m.name + " not healthy within " + START_TIMEOUT + "; log: " + m.logTail());
    }

    /**
     * After a restart the member is up when it accepts connections on its client port:
     * without quorum, etcd 3.4 does not answer /health in time, so HTTP cannot tell.
     */
    private void awaitUp(Member m) {
        if (members.stream().filter(x -> x.process != null && x.process.isAlive()).count() * 2 > members.size()) {
            awaitHealthy(m);
            return;
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", m.clientPort), 1000);
                return;
            } catch (IOException e) {
                Poll.sleepQuietly(50);
            }
        }
        throw new AssertionError("etcd member " + m.name + " not listening within " + START_TIMEOUT + "; log: " + m.logTail());
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void destroyAll() {
        for (Member m : members) {
            Process p = m.process;
            if (p != null) {
                if (p.isAlive()) {
                    // a paused member ignores SIGTERM until continued; SIGKILL is not ignored
                    p.destroyForcibly();
                }
                waitFor(p);
                m.process = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        destroyAll();
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

    private static final class Member {
        final String name;
        final Path dataDir;
        final int clientPort;
        final int peerPort;
        String initialCluster;
        String clusterToken;
        Process process;

        Member(String name, Path dataDir, int clientPort, int peerPort) {
            this.name = name;
            this.dataDir = dataDir;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
        }

        void start(Path binary) {
            try {
                Files.createDirectories(dataDir);
                boolean fresh = !Files.exists(dataDir.resolve("data").resolve("member"));
                List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                        "--name", name,
                        "--data-dir", dataDir.resolve("data").toString(),
                        "--listen-client-urls", "http://127.0.0.1:" + clientPort,
                        "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
                        "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                        "--initial-cluster", initialCluster,
                        "--initial-cluster-token", clusterToken,
                        // a restarted member rejoins from its own data dir and ignores the initial-* flags
                        "--initial-cluster-state", fresh ? "new" : "existing",
                        "--heartbeat-interval", "100",
                        "--election-timeout", "1000",
                        // idle watchers learn etcd's revision this often (ResourceWatch relies on it)
                        "--experimental-watch-progress-notify-interval", "2s",
                        "--logger", "zap",
                        "--log-level", "warn"));
                process = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start etcd " + binary, e);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(dataDir.resolve("etcd.log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }
    }
}
