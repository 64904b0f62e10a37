package io.kubelite.dashboard.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubelite.dashboard.auth.Session;
import io.kubelite.dashboard.view.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code rollout-undo}: {@code kubectl rollout undo} to the previous revision, done as kubectl's
 * rollbackers do it. A Deployment gets the template of its ReplicaSet with the second-highest
 * {@code deployment.kubernetes.io/revision}, without the {@code pod-template-hash} label, in one
 * JSON patch that replaces {@code spec.template} and the annotations (the Deployment's own
 * bookkeeping annotations kept, the ReplicaSet's others taken). A DaemonSet or StatefulSet gets its
 * previous ControllerRevision's data as a strategic merge patch. Refused as kubectl refuses: a
 * paused Deployment, no previous revision; a template that already matches is skipped.
 */
public final class RolloutUndoAction implements Action {
    private static final Set<String> KINDS = Set.of("Deployment", "DaemonSet", "StatefulSet");
    private static final String REVISION = "deployment.kubernetes.io/revision";
    private static final String HASH = "pod-template-hash";
    /** kubectl's annotationsToSkip: kept from the Deployment, never copied from the ReplicaSet. */
    private static final Set<String> DEPLOYMENT_OWN_ANNOTATIONS = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            REVISION,
            "deployment.kubernetes.io/revision-history",
            "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas",
            "deprecated.deployment.rollback.to");

    @Override
    public String name() {
        return "rollout-undo";
    }

    @Override
    public String perform(Session session, JsonNode body) throws ActionException {
        WorkloadRef ref = WorkloadRef.from(body, KINDS, "rollout undo");
        ApiCalls api = new ApiCalls(session.api());
        JsonNode current = api.get(ref.path());
        return ref.kind().equals("Deployment") ? undoDeployment(api, ref, current) : undoFromHistory(api, ref, current);
    }

    private static String undoDeployment(ApiCalls api, WorkloadRef ref, JsonNode deployment) throws ActionException {
        String uid = deployment.path("metadata").path("uid").asText();
        List<JsonNode> owned = new ArrayList<>();
        for (JsonNode rs : api.get(ref.appsCollection("replicasets")).path("items")) {
            if (controlledBy(rs, uid) && revision(rs) >= 0) {
                owned.add(rs);
            }
        }
        owned.sort(Comparator.comparingLong(RolloutUndoAction::revision));
        if (owned.size() < 2) {
            throw new ActionException(409, "no rollout history found for deployment \"" + ref.name() + "\"");
        }
        JsonNode previous = owned.get(owned.size() - 2);
        long toRevision = revision(previous);
        if (deployment.path("spec").path("paused").asBoolean(false)) {
            throw new ActionException(
                    409,
                    "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/"
                            + ref.name() + "' and try again");
        }
        ObjectNode template = withoutHash(previous.path("spec").path("template"));
        if (template.equals(withoutHash(deployment.path("spec").path("template")))) {
            return ref.display() + " skipped rollback (current template already matches revision " + toRevision + ")";
        }
        ObjectNode annotations = Json.object();
        deployment.path("metadata").path("annotations").fields().forEachRemaining(e -> {
            if (DEPLOYMENT_OWN_ANNOTATIONS.contains(e.getKey())) {
                annotations.set(e.getKey(), e.getValue());
            }
        });
        previous.path("metadata").path("annotations").fields().forEachRemaining(e -> {
            if (!DEPLOYMENT_OWN_ANNOTATIONS.contains(e.getKey())) {
                annotations.set(e.getKey(), e.getValue());
            }
        });
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/spec/template").set("value", template);
        patch.addObject()
                .put("op", "replace")
                .put("path", "/metadata/annotations")
                .set("value", annotations);
        api.send("PATCH", ref.path(), "application/json-patch+json", patch.toString());
        return ref.display() + " rolled back to revision " + toRevision;
    }

    private static String undoFromHistory(ApiCalls api, WorkloadRef ref, JsonNode object) throws ActionException {
        String uid = object.path("metadata").path("uid").asText();
        List<JsonNode> history = new ArrayList<>();
        for (JsonNode cr : api.get(ref.appsCollection("controllerrevisions")).path("items")) {
            if (controlledBy(cr, uid)) {
                history.add(cr);
            }
        }
        if (history.size() <= 1) {
            throw new ActionException(409, "no last revision to roll back to");
        }
        history.sort(Comparator.comparingLong(cr -> cr.path("revision").asLong()));
        JsonNode previous = history.get(history.size() - 2);
        JsonNode data = previous.path("data");
        ObjectNode stored = data.path("spec").path("template").isObject()
                ? ((ObjectNode) data.path("spec").path("template")).deepCopy()
                : Json.object();
        stored.remove("$patch");
        if (stored.equals(object.path("spec").path("template"))) {
            return ref.display() + " skipped rollback (current template already matches revision "
                    + previous.path("revision").asLong() + ")";
        }
        api.send("PATCH", ref.path(), "application/strategic-merge-patch+json", data.toString());
        return ref.display() + " rolled back to revision "
                + previous.path("revision").asLong();
    }

    private static boolean controlledBy(JsonNode o, String uid) {
        for (JsonNode r : o.path("metadata").path("ownerReferences")) {
            if (r.path("controller").asBoolean(false) && r.path("uid").asText().equals(uid)) {
                return true;
            }
        }
        return false;
    }

    private static long revision(JsonNode rs) {
        try {
            return Long.parseLong(
                    rs.path("metadata").path("annotations").path(REVISION).asText(""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ObjectNode withoutHash(JsonNode template) {
        ObjectNode t = template.isObject() ? ((ObjectNode) template).deepCopy() : Json.object();
        JsonNode labels = t.path("metadata").path("labels");
        if (labels instanceof ObjectNode l) {
            l.remove(HASH);
        }
        return t;
    }
}
