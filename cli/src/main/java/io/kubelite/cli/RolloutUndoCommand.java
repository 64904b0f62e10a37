package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout undo deployment/NAME [--to-revision=N]}: kubectl's {@code DeploymentRollbacker}
 * (for a DaemonSet or StatefulSet, its ControllerRevision's patch, {@link #restore}).
 * The ReplicaSet of revision N (0: the previous one) gives its pod template (without the
 * {@code pod-template-hash} label) and its annotations back to the Deployment, in one JSON patch;
 * the Deployment controller then rolls out to that ReplicaSet.
 */
@Command(name = "undo", description = "Undo a previous rollout.")
final class RolloutUndoCommand implements Callable<Integer> {
    /** The annotations a rollback keeps from the Deployment instead of taking the ReplicaSet's (kube's annotationsToSkip). */
    static final Set<String> KEPT = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            "deployment.kubernetes.io/revision",
            "deployment.kubernetes.io/revision-history",
            "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas",
            "deprecated.deployment.rollback.to");

    @Parameters(arity = "1..2", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    @Option(names = "--to-revision", defaultValue = "0", description = "The revision to roll back to (0: the last).")
    long toRevision;

    private final KlContext ctx;

    RolloutUndoCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var named = RolloutCommand.target(args);
        if (RevisionHistories.kept(named.getKey())) {
            return restore(named.getKey(), named.getValue());
        }
        String name = RolloutCommand.deploymentName(args);
        JsonNode d = RolloutCommand.getDeployment(ctx, name);
        List<JsonNode> rss = RolloutCommand.replicaSets(ctx, d);
        JsonNode target = find(rss, toRevision, name);
        if (d.path("spec").path("paused").asBoolean(false)) {
            throw new KlException("error: you cannot rollback a paused deployment; resume it first with 'kubectl"
                    + " rollout resume' and try again");
        }
        long revision = RolloutCommand.revision(target);
        JsonNode template = RolloutCommand.withoutHash(target.path("spec").path("template"));
        if (template.equals(RolloutCommand.withoutHash(d.path("spec").path("template")))) {
            ctx.out()
                    .println("deployment.apps/" + name + " skipped rollback (current template already matches revision "
                            + revision + ")");
            return 0;
        }
        Map<String, String> annotations = new TreeMap<>();
        RolloutCommand.stringMap(d.path("metadata").path("annotations")).forEach((k, v) -> {
            if (KEPT.contains(k)) {
                annotations.put(k, v);
            }
        });
        RolloutCommand.stringMap(target.path("metadata").path("annotations")).forEach((k, v) -> {
            if (!KEPT.contains(k)) {
                annotations.put(k, v);
            }
        });
        ArrayNode patch = ApiClient.JSON.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/spec/template").set("value", template);
        ObjectNode ann = patch.addObject().put("op", "replace").put("path", "/metadata/annotations");
        ann.set("value", ApiClient.JSON.valueToTree(annotations));
        ApiClient.Resp r = ctx.client()
                .call(
                        "PATCH",
                        item(DeploymentKind.RESOURCE, ctx.namespace(), name),
                        "application/json-patch+json",
                        patch.toString());
        if (!r.ok()) {
            throw ApiClient.error(r);
        }
        ctx.out().println("deployment.apps/" + name + " rolled back");
        return 0;
    }

    /**
     * kubectl's {@code DaemonSetRollbacker} / {@code StatefulSetRollbacker}: the revision's data is a
     * strategic merge patch that replaces the template; a revision already matching is skipped.
     */
    private int restore(Resource<? extends Message> r, String name) {
        if (toRevision < 0) {
            throw new KlException("error: unable to find specified revision " + toRevision + " in history");
        }
        JsonNode owner = RevisionHistories.get(ctx, r, name);
        List<JsonNode> revs = RevisionHistories.revisions(ctx, owner);
        if (toRevision == 0 && revs.size() <= 1) {
            throw new KlException("error: no last revision to roll back to");
        }
        JsonNode to = RevisionHistories.find(revs, toRevision);
        if (to == null) {
            throw new KlException("error: unable to find specified revision " + toRevision + " in history");
        }
        String shown = ResourceArgs.typeName(r) + "/" + name;
        if (RevisionHistories.matches(owner, to)) {
            // kubectl names the revision asked for (0 when none was)
            ctx.out()
                    .println(
                            shown + " skipped rollback (current template already matches revision " + toRevision + ")");
            return 0;
        }
        ApiClient.Resp resp = ctx.client()
                .call(
                        "PATCH",
                        item(r, ctx.namespace(), name),
                        "application/strategic-merge-patch+json",
                        to.path("data").toString());
        if (!resp.ok()) {
            throw new KlException(
                    "error: failed restoring revision " + to.path("revision").asLong() + ": "
                            + ApiClient.error(resp).getMessage().replaceFirst("^error: ", ""));
        }
        ctx.out().println(shown + " rolled back");
        return 0;
    }

    /** kubectl's choice: revision N, or for 0 the second highest revision. */
    static JsonNode find(List<JsonNode> rss, long toRevision, String name) {
        if (toRevision == 0) {
            if (rss.size() < 2) {
                throw new KlException("error: no rollout history found for deployment \"" + name + "\"");
            }
            long max = 0;
            long second = 0;
            for (JsonNode rs : rss) {
                long v = RolloutCommand.revision(rs);
                if (v >= max) {
                    second = max;
                    max = v;
                } else if (v > second) {
                    second = v;
                }
            }
            toRevision = second;
        }
        for (JsonNode rs : rss) {
            if (RolloutCommand.revision(rs) == toRevision) {
                return rs;
            }
        }
        throw new KlException("error: unable to find specified revision " + toRevision + " in history");
    }
}
