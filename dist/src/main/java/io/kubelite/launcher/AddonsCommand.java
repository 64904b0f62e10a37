package io.kubelite.launcher;

import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.runtime.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelite addons}: a one-shot that installs the cluster's add-on objects through the
 * API server (the kube-dns Service, metrics-server's Service and APIService, the log-store Service, see
 * {@link ClusterAddons}), as kubeadm's addon phase and metrics-server's components.yaml do. Exit 0 when applied (prints kubectl's {@code service/kube-dns created},
 * {@code configured} or {@code unchanged}), 1 with a one-line error otherwise.
 */
@Command(
        name = "addons",
        mixinStandardHelpOptions = true,
        description = "Create or update the add-on objects (the kube-dns Service, metrics-server's Service in"
                + " kube-system and APIService v1beta1.metrics.k8s.io) through the API server, waiting for it first.")
final class AddonsCommand implements Callable<Integer> {
    @Option(
            names = "--kubeconfig",
            defaultValue = ".kubelite/kubeconfig",
            description = "Admin kubeconfig of the cluster (default: ${DEFAULT-VALUE}).")
    Path kubeconfig;

    @Option(
            names = "--cluster-dns-ip",
            defaultValue = KubeDnsService.DEFAULT_IP,
            description = "Cluster IP of the kube-dns Service (default: ${DEFAULT-VALUE}).")
    String clusterDnsIp;

    @Option(
            names = "--timeout",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description = "How long to wait for the API server (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        try (QuietLogs quiet = QuietLogs.start()) {
            if (!ClusterAddons.isIpv4(clusterDnsIp)) {
                throw new AddonsException("--cluster-dns-ip must be an IPv4 address, got \"" + clusterDnsIp + "\"");
            }
            ApiServerConnection api = ApiServerConnection.fromKubeconfig(kubeconfig);
            ClusterAddons.Outcome o = new ClusterAddons(api, timeout).installKubeDns(clusterDnsIp);
            System.out.println("service/" + KubeDnsService.NAME + " " + o.word + " (kube-system, cluster IP "
                    + clusterDnsIp + ")");
            ClusterAddons.MetricsServerOutcome m = new ClusterAddons(api, timeout).installMetricsServer();
            System.out.println("service/" + MetricsServerAddon.NAME + " " + m.service().word + " (kube-system)");
            System.out.println(
                    "apiservice.apiregistration.k8s.io/" + MetricsServerAddon.API_SERVICE + " " + m.apiService().word);
            ClusterAddons.Outcome ls = new ClusterAddons(api, timeout).installLogStore();
            System.out.println("service/" + LogStoreAddon.NAME + " " + ls.word + " (kube-system)");
            ClusterAddons.Outcome db = new ClusterAddons(api, timeout).installDashboard();
            System.out.println("service/" + DashboardAddon.NAME + " " + db.word + " (kube-system)");
            return 0;
        } catch (AddonsException | IllegalArgumentException e) {
            System.err.println("kubelite addons: " + e.getMessage());
            return 1;
        }
    }
}
