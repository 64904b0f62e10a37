package io.kubelite.launcher;

import io.kubelite.apiserver.pki.ClusterPki;
import io.kubelite.apiserver.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the admin kubeconfig that kubectl, kl and fabric8 use unchanged: over HTTPS the
 * cluster CA and the admin's client certificate ({@link ClusterPki#adminKubeconfig}); over
 * plain HTTP ({@code up --insecure-http}) a bearer token. Owner-only (it holds a credential).
 */
final class Kubeconfig {
    private Kubeconfig() {}

    static void writeAdmin(Path file, ClusterPki pki, String server) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Pem.writeSecret(file, pki.adminKubeconfig(server, "kubelite"));
    }

    static void writeToken(Path file, String server, String token) {
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
            Pem.writeSecret(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
