package io.kubelite.store.testing;

import io.kubelite.store.local.EtcdBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the etcdctl binary (v3 API) against a set of endpoints; a non-zero exit fails the test. */
final class Etcdctl {
    private Etcdctl() {}

    static String run(List<String> endpoints, String... args) {
        Path ctl = EtcdBinary.etcdctl()
                .orElseThrow(() -> new AssertionError(
                        "etcdctl not found: install etcd-client (apt-get install etcd-client) or set ETCDCTL_BIN"));
        List<String> cmd = new ArrayList<>();
        cmd.add(ctl.toString());
        cmd.add("--endpoints=" + String.join(",", endpoints));
        cmd.add("--command-timeout=5s");
        cmd.addAll(List.of(args));
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

    static long revision(String endpointStatusJson) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(endpointStatusJson);
        if (!m.find()) {
            throw new AssertionError("cannot read revision from etcdctl output: " + endpointStatusJson);
        }
        return Long.parseLong(m.group(1));
    }
}
