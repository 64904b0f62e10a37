package io.kubelite.kubelet.runtime;

import io.vertx.core.http.HttpServerRequest;

/**
 * Which streams an exec or attach asks for: {@code stdin}, {@code stdout}, {@code stderr},
 * {@code tty} as the API server's query spells them (also the kubelet's own
 * {@code input}/{@code output}/{@code error}).
 */
record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    static StreamOptions of(HttpServerRequest req) {
        return new StreamOptions(
                flag(req, "stdin", "input"),
                flag(req, "stdout", "output"),
                flag(req, "stderr", "error"),
                flag(req, "tty", "tty"));
    }

    private static boolean flag(HttpServerRequest req, String name, String alias) {
        String v = req.getParam(name);
        if (v == null) {
            v = req.getParam(alias);
        }
        return v != null && (v.equals("true") || v.equals("1"));
    }
}
