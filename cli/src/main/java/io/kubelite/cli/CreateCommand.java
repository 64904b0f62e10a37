package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ResourceArgs.typeName;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.Resource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kl create -f FILE|DIR|-}: creates each object of the manifests. A server that refuses one is
 * reported and the rest still created (exit 1); a manifest object kl cannot map stops the command.
 */
@Command(name = "create", description = "Create resources from files, directories or stdin.")
final class CreateCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--filename"},
            required = true)
    List<String> files;

    private final KlContext ctx;

    CreateCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        int errors = 0;
        Manifests manifests = new Manifests(ctx);
        for (JsonNode doc : manifests.read(files)) {
            Manifests.Manifest m = manifests.resolve(doc);
            Resource<?> r = m.resource();
            ApiClient.Resp cr = c.call("POST", collection(r, m.namespace()), "application/json", doc.toString());
            if (!cr.ok()) {
                ctx.err().println(ApiClient.error(cr).getMessage());
                errors++;
                continue;
            }
            ctx.out()
                    .println(typeName(r) + "/"
                            + cr.json().path("metadata").path("name").asText() + " created");
        }
        return errors > 0 ? 1 : 0;
    }
}
