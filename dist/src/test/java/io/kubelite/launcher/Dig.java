package io.kubelite.launcher;

import java.nio.charset.StandardCharsets;

/** The real {@code dig} (dnsutils), for tests of the cluster DNS a launcher started. */
final class Dig {
    private Dig() {}

    /** {@code dig +short name} against 127.0.0.1:port, one try of 2 s: the answer lines, or dig's error text. */
    static String shortAnswer(String port, String name) {
        try {
            Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", port, "+time=2", "+tries=1", "+short", name)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (java.io.IOException e) {
            throw new AssertionError("could not run dig (apt-get install dnsutils): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
