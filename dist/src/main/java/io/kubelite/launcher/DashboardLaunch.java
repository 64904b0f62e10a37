package io.kubelite.launcher;

import io.kubelite.apiserver.pki.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * How {@code kubelite up} starts the dashboard: on 127.0.0.1:9090 (Kubernetes Dashboard's port)
 * or a free port when that is taken, with the cluster's admin kubeconfig as its credential and a
 * fresh one-time login code in a 0600 file, so that {@link #loginUrl()} signs the first browser
 * in. The code is random (128 bits) and new for every {@code up}.
 */
final class DashboardLaunch {
    static final int DEFAULT_PORT = 9090;

    private final int port;
    private final Path kubeconfig;
    private final Path codeFile;
    private final String code;

    private DashboardLaunch(int port, Path kubeconfig, Path codeFile, String code) {
        this.port = port;
        this.kubeconfig = kubeconfig;
        this.codeFile = codeFile;
        this.code = code;
    }

    /** Picks the port and writes the login code file. */
    static DashboardLaunch plan(ClusterLayout layout, int port) throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String code = HexFormat.of().formatHex(random);
        Pem.writeSecret(layout.dashboardLoginCode(), code + "\n");
        return new DashboardLaunch(port, layout.kubeconfig(), layout.dashboardLoginCode(), code);
    }

    /** The dashboard's own flags (the common ones come first). */
    List<String> args() {
        return List.of(
                "--kubeconfig",
                kubeconfig.toString(),
                "--port",
                Integer.toString(port),
                "--login-code-file",
                codeFile.toString(),
                "--id",
                "dashboard-0");
    }

    String endpoint() {
        return "http 127.0.0.1:" + port;
    }

    /** The dashboard's page, without credentials. */
    String pageUrl() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** What {@code up} prints: one click signs in. */
    String loginUrl() {
        return pageUrl() + "?login=" + code;
    }
}
