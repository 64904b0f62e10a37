package io.kubelite.launcher;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubelite}: runs one server process ({@code kubelite scheduler --leader-elect
 * ...}), manages a local cluster ({@code up}, {@code down}, {@code status}), makes its certificates
 * ({@code pki}), installs its add-on objects ({@code addons}), copies
 * its data out of and into etcd ({@code store export}, {@code store import}) or benchmarks a
 * cluster ({@code bench density}).
 */
@Command(
        name = "kubelite",
        mixinStandardHelpOptions = true,
        version = "kubelite 0.1.0",
        description = "A Kubernetes-style control plane over a real etcd.%n%n"
                + "Server processes: apiserver, controller-manager, scheduler, kubelet-sim, dns, kube-proxy, "
                + "metrics-server, log-store, dashboard "
                + "(each takes --help).%n",
        subcommands = {
            UpCommand.class,
            DownCommand.class,
            StatusCommand.class,
            PkiCommand.class,
            StoreCommand.class,
            ProbeCommand.class,
            AddonsCommand.class,
            BenchCommand.class
        })
public final class KubeliteMain implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            for (ComponentKind k : ComponentKind.values()) {
                if (k.command().equals(args[0])) {
                    runComponent(k, Arrays.copyOfRange(args, 1, args.length));
                    return;
                }
            }
        }
        System.exit(new CommandLine(new KubeliteMain()).execute(args));
    }

    /** Hands the arguments to the component's own main, which owns parsing and exit codes. */
    private static void runComponent(ComponentKind k, String[] args) {
        try {
            k.run(args);
        } catch (RuntimeException e) {
            System.err.println("kubelite " + k.command() + ": " + (e.getMessage() == null ? e : e.getMessage()));
            System.exit(1);
        }
    }
}
