package io.kubelite.dashboard;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code kubelite dashboard}: the cluster's web UI. Talks to the API server only (its etcd
 * connection carries nothing but its mirror pod {@code kube-system/kube-dashboard-<id>}); serves
 * HTTP on loopback, {@code http://127.0.0.1:9090/} by default.
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = "A live web UI for the cluster, built on the API server's watches.")
public final class DashboardMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    DashboardOptions options = new DashboardOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new DashboardMain()).execute(args));
    }

    @Override
    public Integer call() {
        String problem = options.problem();
        if (problem != null) {
            System.err.println("kubelite dashboard: " + problem);
            return 2;
        }
        return new ComponentMain("dashboard", new DashboardComponent(options), common, ElectorFactory.UNAVAILABLE)
                .run();
    }
}
