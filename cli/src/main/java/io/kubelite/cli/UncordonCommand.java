package io.kubelite.cli;

import picocli.CommandLine.Command;

/** {@code kl uncordon NODE...}: {@link SchedulabilityCommand} making nodes schedulable again. */
@Command(name = "uncordon", description = "Mark a node schedulable.")
final class UncordonCommand extends SchedulabilityCommand {
    UncordonCommand(KlContext ctx) {
        super(ctx, false);
    }
}
