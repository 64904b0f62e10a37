package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.item;
import static io.kubelite.cli.ResourceArgs.typeName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.kinds.Resource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kl apply -f FILE|DIR|-}: creates each object of the manifests that does not exist, else
 * merge-patches it with the manifest (status aside) and reports it "configured", or "unchanged" when a
 * server dry run of that patch changes nothing. There is no last-applied three-way merge, so a field
 * removed from a manifest stays on the object. An object that fails is reported and the rest still
 * applied; the exit code is 1 if any failed.
 */
@Command(name = "apply", description = "Apply a configuration to resources from files, directories or stdin.")
final class ApplyCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--filename"},
            required = true)
    List<String> files;

    private final KlContext ctx;

    ApplyCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ApiClient c = ctx.client();
        int errors = 0;
        Manifests manifests = new Manifests(ctx);
        for (JsonNode doc : manifests.read(files)) {
            try {
                apply(c, manifests.resolve(doc));
            } catch (KlException e) {
                ctx.err().println(e.getMessage());
                errors++;
            }
        }
        return errors > 0 ? 1 : 0;
    }

    private void apply(ApiClient c, Manifests.Manifest m) {
        Resource<?> r = m.resource();
        String ns = m.namespace();
        JsonNode doc = m.object();
        String name = doc.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw new KlException(
                    "error: error when retrieving current configuration of: resource name may not be empty");
        }
        String body = doc.toString();
        ApiClient.Resp cur = c.get(item(r, ns, name));
        if (cur.code() == 404) {
            ApiClient.Resp cr = c.call("POST", collection(r, ns), "application/json", body);
            if (!cr.ok()) {
                throw ApiClient.error(cr);
            }
            ctx.out().println(typeName(r) + "/" + name + " created");
            return;
        }
        if (!cur.ok()) {
            throw ApiClient.error(cur);
        }
        ObjectNode patch = ((ObjectNode) doc.deepCopy());
        patch.remove("status");
        ApiClient.Resp dry =
                c.call("PATCH", item(r, ns, name) + "?dryRun=All", "application/merge-patch+json", patch.toString());
        if (!dry.ok()) {
            throw ApiClient.error(dry);
        }
        if (ctx.env().get("KL_DEBUG_APPLY") != null) {
            ctx.err().println(strip(dry.json()) + "\n" + strip(cur.json()));
        }
        if (strip(dry.json()).equals(strip(cur.json()))) {
            ctx.out().println(typeName(r) + "/" + name + " unchanged");
            return;
        }
        ApiClient.Resp p = c.call("PATCH", item(r, ns, name), "application/merge-patch+json", patch.toString());
        if (!p.ok()) {
            throw ApiClient.error(p);
        }
        ctx.out().println(typeName(r) + "/" + name + " configured");
    }

    /** The object without the fields every write bumps, so a dry run that changes nothing compares equal. */
    private static JsonNode strip(JsonNode o) {
        ObjectNode c = o.deepCopy();
        ((ObjectNode) c.path("metadata")).remove(List.of("resourceVersion", "generation"));
        return c;
    }
}
