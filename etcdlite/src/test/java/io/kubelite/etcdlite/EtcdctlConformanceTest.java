package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** The etcdctl binary (v3 API) against real etcd and etcdlite: the same commands, the same answers. */
class EtcdctlConformanceTest {
    private static final String ETCDCTL = System.getenv().getOrDefault("ETCDCTL_BIN", "/usr/bin/etcdctl");

    record Result(int exit, String out) {}

    static Result run(TestServer s, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ETCDCTL, "--endpoints=" + s.endpoint(), "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        if (stdin != null) {
            try (OutputStream o = p.getOutputStream()) {
                o.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = drain(p.getInputStream(), out);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish; output: " + out);
        }
        reader.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String ok(TestServer s, String... args) throws Exception {
        Result r = run(s, null, args);
        assertThat(r.exit())
                .as("etcdctl %s: %s", String.join(" ", args), r.out())
                .isZero();
        return r.out();
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void putGetDelTxnAndCompaction(TestServer s) throws Exception {
        String p = s.prefix();
        assertThat(ok(s, "put", p + "a", "1")).isEqualTo("OK\n");
        assertThat(ok(s, "put", p + "b", "2")).isEqualTo("OK\n");
        assertThat(ok(s, "get", p, "--prefix")).isEqualTo(p + "a\n1\n" + p + "b\n2\n");
        assertThat(ok(s, "get", p, "--prefix", "--keys-only", "--limit=1")).isEqualTo(p + "a\n\n");
        assertThat(ok(s, "put", p + "a", "--ignore-value")).isEqualTo("OK\n");
        Result ignoreMissing = run(s, null, "put", p + "nope", "--ignore-value");
        assertThat(ignoreMissing.exit()).isNotZero();
        assertThat(ignoreMissing.out()).contains("etcdserver: key not found");
        Result txn = run(s, "value(\"" + p + "a\") = \"1\"\n\nput " + p + "c 3\n\nget " + p + "b\n\n", "txn");
        assertThat(txn.exit()).isZero();
        assertThat(txn.out()).isEqualTo("SUCCESS\n\nOK\n");
        assertThat(ok(s, "del", p, "--prefix")).isEqualTo("3\n");
        String status = ok(s, "endpoint", "status", "-w", "json");
        long rev = Long.parseLong(status.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        assertThat(ok(s, "compaction", Long.toString(rev))).isEqualTo("compacted revision " + rev + "\n");
        Result old = run(s, null, "get", p + "a", "--rev=" + (rev - 1));
        assertThat(old.exit()).isNotZero();
        assertThat(old.out()).contains("etcdserver: mvcc: required revision has been compacted");
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void watchReplaysFromARevision(TestServer s) throws Exception {
        String p = s.prefix();
        ok(s, "put", p + "w", "1");
        String status = ok(s, "endpoint", "status", "-w", "json");
        long rev = Long.parseLong(status.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        ok(s, "put", p + "w", "2");
        ok(s, "del", p + "w");
        List<String> cmd =
                List.of(ETCDCTL, "--endpoints=" + s.endpoint(), "watch", p + "w", "--rev=" + rev, "--prev-kv");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process w = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(w.getInputStream(), out);
        try {
            String expected =
                    "PUT\n" + p + "w\n1\nPUT\n" + p + "w\n1\n" + p + "w\n2\nDELETE\n" + p + "w\n2\n" + p + "w\n\n";
            io.kubelite.store.testing.Poll.until(java.time.Duration.ofSeconds(15), "etcdctl watch output", () -> {
                synchronized (out) {
                    return out.toString(StandardCharsets.UTF_8).length() >= expected.length();
                }
            });
            synchronized (out) {
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
            }
        } finally {
            w.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void leasesAndEndpointStatus(TestServer s) throws Exception {
        String p = s.prefix();
        String grant = ok(s, "lease", "grant", "30");
        assertThat(grant).matches("lease [0-9a-f]+ granted with TTL\\(30s\\)\n");
        String id = grant.split(" ")[1];
        assertThat(ok(s, "put", p + "l", "v", "--lease=" + id)).isEqualTo("OK\n");
        assertThat(ok(s, "lease", "timetolive", id, "--keys"))
                .matches("lease " + id + " granted with TTL\\(30s\\), remaining\\(\\d+s\\), attached keys\\(\\[" + p
                        + "l\\]\\)\n");
        assertThat(ok(s, "lease", "keep-alive", "--once", id)).isEqualTo("lease " + id + " keepalived with TTL(30)\n");
        assertThat(ok(s, "lease", "revoke", id)).isEqualTo("lease " + id + " revoked\n");
        assertThat(ok(s, "get", p + "l")).isEmpty();
        Result revokeAgain = run(s, null, "lease", "revoke", id);
        assertThat(revokeAgain.exit()).isNotZero();
        assertThat(revokeAgain.out()).contains("etcdserver: requested lease not found");

        String table = ok(s, "endpoint", "status");
        assertThat(table).startsWith(s.endpoint() + ", ").contains(", true, false, ");
        assertThat(ok(s, "endpoint", "health")).contains(s.endpoint() + " is healthy");
        assertThat(ok(s, "member", "list")).contains(", started, ");
    }
}
