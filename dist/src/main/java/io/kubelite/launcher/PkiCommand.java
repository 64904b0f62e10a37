package io.kubelite.launcher;

import io.kubelite.apiserver.pki.ClusterPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelite pki}: the cluster's certificates and an admin kubeconfig in one directory, as
 * {@code kubeadm init phase certs} and {@code kubeconfig admin} make them; what {@code kubelite
 * up} does first and what the compose stack's {@code pki} service runs. Reuses what is there
 * (see {@link ClusterPki#ensure}).
 */
@Command(
        name = "pki",
        mixinStandardHelpOptions = true,
        description = "Create (or reuse) a cluster CA, the API server's serving certificate, an admin client "
                + "certificate (CN=kubernetes-admin, O=system:masters) and an admin kubeconfig.")
final class PkiCommand implements Callable<Integer> {
    @Option(
            names = "--dir",
            defaultValue = ".kubelite/pki",
            description = "Where ca.crt/.key, apiserver.crt/.key and admin.crt/.key go (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
            names = "--tls-san",
            split = ",",
            description = "Extra subject alternative names (IPs or DNS names) of the serving certificate, "
                    + "beside 127.0.0.1 and localhost; repeatable or comma-separated.")
    List<String> sans = List.of();

    @Option(
            names = "--server",
            defaultValue = "https://127.0.0.1:6443",
            description = "The API server URL the kubeconfig names (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--kubeconfig", description = "Where the admin kubeconfig goes (default: kubeconfig in --dir).")
    Path kubeconfig;

    @Option(
            names = "--token-file",
            description = "Also make (or reuse) a static admin token file here, 0600, in --token-auth-file format "
                    + "(token,admin,admin-uid,\"system:masters\"): a random token of this cluster's own.")
    Path tokenFile;

    @Override
    public Integer call() {
        try {
            ClusterPki pki = ClusterPki.ensure(dir, sans);
            Path kc = kubeconfig != null ? kubeconfig : dir.resolve("kubeconfig");
            Kubeconfig.writeAdmin(kc, pki, server);
            pki.actions().forEach(a -> System.out.println("pki: " + a));
            if (tokenFile != null) {
                boolean existed = java.nio.file.Files.exists(tokenFile);
                AdminTokenFile.ensure(tokenFile);
                System.out.println("pki: " + (existed ? "reused " : "wrote ") + tokenFile + " (admin token)");
            }
            System.out.println("pki: wrote " + kc + " (server " + server + ")");
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("kubelite pki: " + e.getMessage());
            return 1;
        }
    }
}
