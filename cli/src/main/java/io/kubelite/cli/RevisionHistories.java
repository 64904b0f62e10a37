package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.collection;
import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The history of a DaemonSet or StatefulSet as kubectl's {@code DaemonSetHistoryViewer} /
 * {@code DaemonSetRollbacker} (and the StatefulSet ones) read and restore it: the namespace's
 * ControllerRevisions the object controls, each one's {@code data} the strategic merge patch that
 * puts its pod template back.
 */
final class RevisionHistories {
    private RevisionHistories() {}

    static boolean kept(Resource<?> r) {
        return r == DaemonSetKind.RESOURCE || r == StatefulSetKind.RESOURCE;
    }

    static JsonNode get(KlContext ctx, Resource<? extends Message> r, String name) {
        ApiClient.Resp resp = ctx.client().call("GET", item(r, ctx.namespace(), name), null, null);
        if (!resp.ok()) {
            throw ApiClient.error(resp);
        }
        return resp.json();
    }

    /** The revisions {@code owner} controls, oldest first. */
    static List<JsonNode> revisions(KlContext ctx, JsonNode owner) {
        ApiClient.Resp r =
                ctx.client().call("GET", collection(ControllerRevisionKind.RESOURCE, ctx.namespace()), null, null);
        if (!r.ok()) {
            throw ApiClient.error(r);
        }
        String uid = owner.path("metadata").path("uid").asText();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rev : r.json().path("items")) {
            for (JsonNode ref : rev.path("metadata").path("ownerReferences")) {
                if (ref.path("controller").asBoolean(false)
                        && ref.path("uid").asText().equals(uid)) {
                    out.add(rev);
                }
            }
        }
        out.sort(Comparator.comparingLong(rev -> rev.path("revision").asLong()));
        return out;
    }

    /** kubectl's {@code findHistory}: revision N, or for 0 the second newest; null if none. */
    static JsonNode find(List<JsonNode> revisions, long toRevision) {
        if (toRevision == 0) {
            return revisions.size() < 2 ? null : revisions.get(revisions.size() - 2);
        }
        for (JsonNode rev : revisions) {
            if (rev.path("revision").asLong() == toRevision) {
                return rev;
            }
        }
        return null;
    }

    /**
     * Whether the revision holds {@code owner}'s current template (kubectl compares the data's bytes
     * with its own marshalling of the template; here the two trees, without the patch directive and
     * Go's empty values).
     */
    static boolean matches(JsonNode owner, JsonNode revision) {
        return normalized(revision.path("data").path("spec").path("template"))
                .equals(normalized(owner.path("spec").path("template")));
    }

    private static JsonNode normalized(JsonNode template) {
        if (!(template instanceof ObjectNode t)) {
            return template;
        }
        ObjectNode copy = t.deepCopy();
        copy.remove("$patch");
        if (copy.path("metadata") instanceof ObjectNode m
                && m.path("creationTimestamp").isNull()) {
            m.remove("creationTimestamp");
        }
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : copy.path("spec").path(list)) {
                if (c instanceof ObjectNode o
                        && o.has("resources")
                        && o.path("resources").isEmpty()) {
                    o.remove("resources");
                }
            }
        }
        return copy;
    }
}
