package io.kubelite.cli;

import picocli.CommandLine.Command;

/** {@code kl cordon NODE...}: {@link SchedulabilityCommand} making nodes unschedulable. */
@Command(name = "cordon", description = "Mark a node unschedulable.")
final class CordonCommand extends SchedulabilityCommand {
    CordonCommand(KlContext ctx) {
        super(ctx, true);
    }
}
