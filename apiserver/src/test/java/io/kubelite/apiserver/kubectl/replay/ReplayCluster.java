package io.kubelite.apiserver.kubectl.replay;

import io.kubelite.apiserver.testing.KubectlCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The cluster the kubectl replay fixtures are recorded against and replayed on: TLS with a
 * cluster CA and the admin's client certificate (as {@code kubelite up}), two nodes whose
 * kubelets and the disruption controller are stood in for by {@code NodeAgents}. Its {@code
 * main} is what {@code kubectl-replay/record.sh} starts: it writes {@code kubeconfig} and then
 * {@code ready} (the server's URL) into the directory it is given, and runs until killed.
 */
public final class ReplayCluster {
    private ReplayCluster() {}

    /** A new, not yet started cluster of the replay's shape. */
    public static KubectlCluster shape() {
        return KubectlCluster.clientCerts().nodes("node-1", "node-2").withNodeAgents();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ReplayCluster DIR (writes DIR/kubeconfig, then DIR/ready)");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        KubectlCluster cluster = shape().withoutKubectl().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("closing the cluster: " + e);
            }
        }));
        Files.copy(cluster.kubeconfig(), out.resolve("kubeconfig"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(out.resolve("ready"), cluster.url() + "\n");
        System.err.println("replay cluster at " + cluster.url() + "; kubeconfig " + out.resolve("kubeconfig"));
        Thread.currentThread().join();
    }
}
