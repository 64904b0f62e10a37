package io.kubelite.kubelet;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kubelite kubelet-sim}: simulates many nodes and runs the pods bound to them. */
@Command(
        name = "kubelet-sim",
        mixinStandardHelpOptions = true,
        description = "Simulates many Kubernetes nodes (KWOK-style): node Leases and status, and the full pod "
                + "lifecycle over a simulated container runtime.")
public final class KubeletSimMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    KubeletSimOptions options = new KubeletSimOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeletSimMain()).execute(args));
    }

    @Override
    public Integer call() {
        return new ComponentMain("kubelet-sim", new KubeletSim(options), common, ElectorFactory.UNAVAILABLE).run();
    }
}
