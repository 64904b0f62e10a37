package io.kubelite.metrics;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kubelite metrics-server}: the metrics.k8s.io API, from every node's kubelet Summary API. */
@Command(
        name = "metrics-server",
        mixinStandardHelpOptions = true,
        description = "Scrapes every node's kubelet Summary API and serves metrics.k8s.io/v1beta1 (NodeMetrics,"
                + " PodMetrics) over HTTPS for the API server's aggregation layer, as metrics-server.")
public final class MetricsServerMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    MetricsServerOptions options = new MetricsServerOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new MetricsServerMain()).execute(args));
    }

    @Override
    public Integer call() {
        String problem = options.problem();
        if (problem != null) {
            System.err.println("kubelite metrics-server: " + problem);
            return 2;
        }
        return new ComponentMain(
                        "metrics-server", new MetricsServerComponent(options), common, ElectorFactory.UNAVAILABLE)
                .run();
    }
}
