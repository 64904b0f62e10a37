package io.kubelite.proxy;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.ElectorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubelite kube-proxy}: computes, for each served node, the iptables rules kube-proxy's
 * iptables mode would program, from Services and EndpointSlices in etcd.
 */
@Command(
        name = "kube-proxy",
        mixinStandardHelpOptions = true,
        description = "Computes each node's kube-proxy iptables rules from Services and EndpointSlices.")
public final class KubeProxyMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(
            names = "--nodes",
            split = ",",
            paramLabel = "NODE",
            description = "Nodes to serve (default: every Node in the cluster).")
    List<String> nodes = new ArrayList<>();

    @Option(
            names = "--cluster-cidr",
            paramLabel = "CIDR",
            description = "Pod CIDR: cluster-IP traffic from outside it is masqueraded (default: none).")
    String clusterCidr;

    @Option(
            names = "--min-sync-period",
            defaultValue = "1s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Least time between two syncs of the rules (default: ${DEFAULT-VALUE}).")
    Duration minSyncPeriod = Duration.ofSeconds(1);

    @Option(
            names = "--rules-port",
            defaultValue = "10249",
            paramLabel = "PORT",
            description = "Port serving /rules/NODE and /trace/NODE for kl proxy; 0 picks a free one"
                    + " (default: ${DEFAULT-VALUE}).")
    int rulesPort = 10249;

    @Option(
            names = "--rules-bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address the rules port binds (default: ${DEFAULT-VALUE}).")
    String rulesBindAddress = "127.0.0.1";

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeProxyMain()).execute(args));
    }

    @Override
    public Integer call() {
        if (clusterCidr != null && !isIpv4Cidr(clusterCidr)) {
            System.err.println("kubelite kube-proxy: --cluster-cidr must be an IPv4 CIDR, got " + clusterCidr);
            return 2;
        }
        if (minSyncPeriod.isNegative()) {
            System.err.println("kubelite kube-proxy: --min-sync-period must not be negative");
            return 2;
        }
        if (rulesPort < 0 || rulesPort > 65535) {
            System.err.println("kubelite kube-proxy: --rules-port must be 0..65535");
            return 2;
        }
        var component = new KubeProxyComponent(
                Set.copyOf(nodes), Optional.ofNullable(clusterCidr), minSyncPeriod, rulesBindAddress, rulesPort);
        return new ComponentMain("kube-proxy", component, common, ElectorFactory.UNAVAILABLE).run();
    }

    /** {@code a.b.c.d/n} with octets 0..255 and n 0..32. */
    static boolean isIpv4Cidr(String s) {
        var m = java.util.regex.Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})")
                .matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int g = 1; g <= 4; g++) {
            if (Integer.parseInt(m.group(g)) > 255) {
                return false;
            }
        }
        return Integer.parseInt(m.group(5)) <= 32;
    }
}
