package io.kubelite.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code kubelite probe URL}: a container health check for images without curl. Exits 0
 * when a GET of the URL answers 200 within two seconds, else 1, printing the first line of
 * the answer. Depends on nothing but the JDK, so it runs with the launcher jar alone on the
 * class path and starts fast.
 */
public final class HealthProbe {
    private static final int TIMEOUT_MILLIS = 2000;

    private HealthProbe() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: kubelite probe URL   (exit 0 when GET URL answers 200)");
            System.exit(2);
        }
        System.exit(probe(args[0]));
    }

    static int probe(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            int code = c.getResponseCode();
            InputStream body = code >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = body == null ? "" : new String(body.readNBytes(4096), StandardCharsets.UTF_8);
            String first = text.lines().findFirst().orElse("");
            System.out.println(code + " " + first);
            return code == 200 ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            System.out.println(url + ": " + e);
            return 1;
        }
    }
}
