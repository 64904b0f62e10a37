package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code kl rollout status|history|undo|pause|resume|restart}: a Deployment's rollout as kubectl
 * reads it, from the Deployment's status and the revisions on the ReplicaSets it controls; pause,
 * resume and restart as kubectl patches them ({@link RolloutPatch}). One class per subcommand; what
 * they share (finding the Deployment and its ReplicaSets) is here.
 */
@Command(name = "rollout", description = "Manage the rollout of a resource.")
final class RolloutCommand implements Runnable {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String HASH = "pod-template-hash";

    private final KlContext ctx;

    RolloutCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    /** The subcommands, added to this command's picocli CommandLine by {@link Kl}. */
    List<Object> subcommands() {
        return List.of(
                new RolloutStatusCommand(ctx),
                new RolloutHistoryCommand(ctx),
                new RolloutUndoCommand(ctx),
                new RolloutPauseCommand(ctx),
                new RolloutResumeCommand(ctx),
                new RolloutRestartCommand(ctx));
    }

    @Override
    public void run() {
        throw new KlException("error: a subcommand is required: status, history, undo, pause, resume or restart", 2);
    }

    /** The one {@code TYPE/NAME} or {@code TYPE NAME} the arguments name. */
    static Map.Entry<Resource<? extends Message>, String> target(List<String> args) {
        var targets = ResourceArgs.targets(args);
        if (targets.size() != 1) {
            throw new KlException("error: required resource not specified");
        }
        return targets.get(0);
    }

    /** The Deployment {@code deployment/NAME} or {@code deployment NAME} names (only Deployments roll out here). */
    static String deploymentName(List<String> args) {
        var targets = ResourceArgs.targets(args);
        if (targets.size() != 1) {
            throw new KlException("error: required resource not specified");
        }
        if (targets.get(0).getKey() != DeploymentKind.RESOURCE) {
            throw new KlException("error: no rollout for "
                    + targets.get(0).getKey().plural() + " in kubelite; " + "only deployments roll out");
        }
        return targets.get(0).getValue();
    }

    static JsonNode getDeployment(KlContext ctx, String name) {
        ApiClient.Resp r = ctx.client().call("GET", item(DeploymentKind.RESOURCE, ctx.namespace(), name), null, null);
        if (!r.ok()) {
            throw ApiClient.error(r);
        }
        return r.json();
    }

    /** kube's {@code ListReplicaSets}: the namespace's ReplicaSets the Deployment controls, by revision. */
    static List<JsonNode> replicaSets(KlContext ctx, JsonNode deployment) {
        ApiClient.Resp r = ctx.client().call("GET", collection(ReplicaSetKind.RESOURCE, ctx.namespace()), null, null);
        if (!r.ok()) {
            throw ApiClient.error(r);
        }
        String uid = deployment.path("metadata").path("uid").asText();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rs : r.json().path("items")) {
            for (JsonNode ref : rs.path("metadata").path("ownerReferences")) {
                if (ref.path("controller").asBoolean(false)
                        && ref.path("uid").asText().equals(uid)) {
                    out.add(rs);
                }
            }
        }
        out.sort(Comparator.comparingLong(RolloutCommand::revision));
        return out;
    }

    static long revision(JsonNode obj) {
        try {
            return Long.parseLong(
                    obj.path("metadata").path("annotations").path(REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A pod template without its {@code pod-template-hash} label, to compare as kube's {@code EqualIgnoreHash}. */
    static JsonNode withoutHash(JsonNode template) {
        JsonNode t = template.deepCopy();
        JsonNode labels = t.path("metadata").path("labels");
        if (labels.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) labels).remove(HASH);
            if (labels.isEmpty()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) t.path("metadata")).remove("labels");
            }
        }
        return t;
    }

    static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new java.util.TreeMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
