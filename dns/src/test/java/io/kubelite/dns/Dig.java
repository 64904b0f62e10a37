package io.kubelite.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code dig} (Debian dnsutils) against a server on 127.0.0.1. */
final class Dig {
    private final int port;

    Dig(int port) {
        this.port = port;
    }

    /** dig's full output for {@code args} (one try, 2 s timeout). */
    String run(String... args) {
        List<String> cmd =
                new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=2", "+tries=1"));
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dig did not finish: " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("could not run dig (apt-get install dnsutils): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The {@code +short} answer lines, sorted. */
    List<String> shortAnswer(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.add("+short");
        List<String> lines = new ArrayList<>();
        for (String l : run(a.toArray(String[]::new)).split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.trim());
            }
        }
        lines.sort(null);
        return lines;
    }
}
