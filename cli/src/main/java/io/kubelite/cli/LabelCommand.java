package io.kubelite.cli;

import picocli.CommandLine.Command;

/** {@code kl label}: {@link MetadataMapCommand} over metadata.labels. */
@Command(name = "label", description = "Update the labels on a resource.")
final class LabelCommand extends MetadataMapCommand {
    LabelCommand(KlContext ctx) {
        super(ctx, "labels", "labeled");
    }
}
