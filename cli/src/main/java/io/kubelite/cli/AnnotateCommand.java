package io.kubelite.cli;

import picocli.CommandLine.Command;

/** {@code kl annotate}: {@link MetadataMapCommand} over metadata.annotations. */
@Command(name = "annotate", description = "Update the annotations on a resource.")
final class AnnotateCommand extends MetadataMapCommand {
    AnnotateCommand(KlContext ctx) {
        super(ctx, "annotations", "annotated");
    }
}
