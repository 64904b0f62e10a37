package io.kubelite.controllers;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kubelite controller-manager}: the controller-manager process. */
@Command(
        name = "controller-manager",
        mixinStandardHelpOptions = true,
        description = "Runs kubelite's controllers (node IPAM and lifecycle, taint eviction, pod GC, ReplicaSet, "
                + "namespace, service account tokens, Endpoints, garbage collector) under one leader election.")
public final class ControllerManagerMain implements Callable<Integer> {
    public static final String NAME = "controller-manager";

    @Mixin
    CommonOptions common = new CommonOptions().leaderElectByDefault(true);

    @Mixin
    ControllerOptions controllers = new ControllerOptions();

    private ControllerManager component;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ControllerManagerMain()).execute(args));
    }

    /** Parses flags without running (tests, the {@code kubelite} CLI). */
    public static ControllerManagerMain parse(String... args) {
        ControllerManagerMain m = new ControllerManagerMain();
        new CommandLine(m).parseArgs(args);
        return m;
    }

    @Override
    public Integer call() {
        try {
            controllers.validate();
        } catch (IllegalArgumentException e) {
            System.err.println("kubelite " + NAME + ": " + e.getMessage());
            return 2;
        }
        return componentMain().run();
    }

    /** A ComponentMain for these flags; its component is {@link #component()}. */
    public ComponentMain componentMain() {
        component = new ControllerManager(controllers);
        return new ComponentMain(NAME, component, common, ElectorFactory.ETCD);
    }

    public ControllerManager component() {
        return component;
    }

    public ControllerOptions options() {
        return controllers;
    }
}
