package io.kubelite.dns;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kubelite dns}: the cluster DNS server. */
@Command(
        name = "dns",
        mixinStandardHelpOptions = true,
        description = "A DNS server (UDP and TCP) for the cluster domain following the Kubernetes DNS-Based "
                + "Service Discovery specification: Services, headless endpoints, SRV, PTR, ExternalName, pods. "
                + "Other names are REFUSED (no upstream forwarding).")
public final class DnsMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    DnsOptions options = new DnsOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new DnsMain()).execute(args));
    }

    @Override
    public Integer call() {
        return new ComponentMain("dns", new ClusterDns(options), common, ElectorFactory.UNAVAILABLE).run();
    }
}
