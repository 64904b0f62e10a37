package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code kl rollout pause|resume|restart} share, as kubectl's {@code set.CalculatePatches}
 * loop does it: for each {@code TYPE/NAME}, read the object, ask the subcommand for a merge patch
 * (or the reason it refuses, e.g. {@code is already paused}), send it and print
 * {@code deployment.apps/web <verb>}. Refusals and failures do not stop the others; they are
 * reported together at the end, each as kubectl words it:
 * {@code error: deployments.apps "web" is already paused}.
 */
final class RolloutPatch {
    /** The patch for one object, or the refusal. */
    interface Patcher {
        /** The merge patch to send; throws {@link Refused} when the object cannot take it. */
        String patch(Resource<? extends Message> resource, JsonNode object);
    }

    /** kubectl's patch-function error: {@code reason} follows the resource and name. */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private RolloutPatch() {}

    static int run(KlContext ctx, List<String> args, String verb, Patcher patcher) {
        var targets = ResourceArgs.targets(args);
        if (targets.isEmpty()) {
            throw new KlException("error: required resource not specified");
        }
        List<String> errors = new ArrayList<>();
        for (Map.Entry<Resource<? extends Message>, String> t : targets) {
            Resource<? extends Message> r = t.getKey();
            String name = t.getValue();
            String path = item(r, ctx.namespace(), name);
            ApiClient.Resp got = ctx.client().call("GET", path, null, null);
            if (!got.ok()) {
                errors.add(ApiClient.error(got).getMessage());
                continue;
            }
            String patch;
            try {
                patch = patcher.patch(r, got.json());
            } catch (Refused e) {
                String resource = r.plural() + (r.group().isEmpty() ? "" : "." + r.group());
                errors.add("error: " + resource + " \"" + name + "\" " + e.getMessage());
                continue;
            }
            ApiClient.Resp done = ctx.client().call("PATCH", path, "application/merge-patch+json", patch);
            if (!done.ok()) {
                errors.add("error: failed to patch: " + ApiClient.error(done).getMessage());
                continue;
            }
            ctx.out().println(ResourceArgs.typeName(r) + "/" + name + " " + verb);
        }
        if (!errors.isEmpty()) {
            throw new KlException(String.join("\n", errors));
        }
        return 0;
    }
}
