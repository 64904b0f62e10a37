package io.kubelite.launcher;

import io.kubelite.bench.density.DensityCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubelite bench}: benchmark programs run against a cluster they start or attach to (see docs/bench.md). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that start (or attach to) a cluster and report its figures beside raw etcd's.",
        subcommands = {DensityCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
