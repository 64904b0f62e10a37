package io.kubelite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kl rollout history deployment|daemonset|statefulset/NAME}: kubectl's revision table — each
 * ReplicaSet's {@code deployment.kubernetes.io/revision}, or each ControllerRevision's number
 * ({@link RevisionHistories}), with its {@code kubernetes.io/change-cause}.
 */
@Command(name = "history", description = "View rollout history.")
final class RolloutHistoryCommand implements Callable<Integer> {
    static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

    @Parameters(arity = "1..2", paramLabel = "TYPE NAME | TYPE/NAME")
    List<String> args;

    private final KlContext ctx;

    RolloutHistoryCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var target = RolloutCommand.target(args);
        if (RevisionHistories.kept(target.getKey())) {
            return revisions(target.getKey(), target.getValue());
        }
        String name = RolloutCommand.deploymentName(args);
        JsonNode d = RolloutCommand.getDeployment(ctx, name);
        List<JsonNode> rss = RolloutCommand.replicaSets(ctx, d);
        StringBuilder b = new StringBuilder("deployment.apps/").append(name).append(" \n");
        if (rss.isEmpty()) {
            ctx.out().print(b.append("No rollout history found.\n"));
            return 0;
        }
        b.append("REVISION  CHANGE-CAUSE\n");
        for (JsonNode rs : rss) {
            long rev = RolloutCommand.revision(rs);
            if (rev <= 0) {
                continue;
            }
            String cause =
                    rs.path("metadata").path("annotations").path(CHANGE_CAUSE).asText("");
            b.append(String.format("%-10s%s%n", rev, cause.isEmpty() ? "<none>" : cause));
        }
        ctx.out().print(b.append('\n'));
        return 0;
    }

    /** kubectl's {@code printHistory} over a DaemonSet's or StatefulSet's ControllerRevisions. */
    private int revisions(Resource<? extends Message> r, String name) {
        JsonNode owner = RevisionHistories.get(ctx, r, name);
        List<JsonNode> revs = RevisionHistories.revisions(ctx, owner);
        StringBuilder b = new StringBuilder(ResourceArgs.typeName(r))
                .append('/')
                .append(name)
                .append(" \n");
        if (revs.isEmpty()) {
            ctx.out().print(b.append("No rollout history found.\n"));
            return 0;
        }
        b.append("REVISION  CHANGE-CAUSE\n");
        for (JsonNode rev : revs) {
            String cause =
                    rev.path("metadata").path("annotations").path(CHANGE_CAUSE).asText("");
            b.append(String.format("%-10s%s%n", rev.path("revision").asLong(), cause.isEmpty() ? "<none>" : cause));
        }
        ctx.out().print(b.append('\n'));
        return 0;
    }
}
