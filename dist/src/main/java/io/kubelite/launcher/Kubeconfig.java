package io.kubelite.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a standard kubeconfig (server URL and bearer token) that kl and any Kubernetes client accept. */
final class Kubeconfig {
    private Kubeconfig() {}

    static void write(Path file, String server, String token) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kubelite
                  cluster:
                    server: %s
                users:
                - name: kubelite-admin
                  user:
                    token: %s
                contexts:
                - name: kubelite
                  context:
                    cluster: kubelite
                    user: kubelite-admin
                    namespace: default
                current-context: kubelite
                """.formatted(server, token);
        try {
            Files.writeString(file, yaml);
            restrict(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The file holds a credential: owner-only where the file system allows it. */
    static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not POSIX: leave as is
        }
    }
}
