package io.kubelite.cli;

import static io.kubelite.cli.ApiPaths.item;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;

/**
 * kubectl's drain filters ({@code k8s.io/kubectl/pkg/drain/filters.go}), in its order, the first
 * that keeps a pod deciding: a live DaemonSet's pod is an error without {@code --ignore-daemonsets}
 * and skipped with a warning with it (a pod whose DaemonSet is gone is deleted only with
 * {@code --force}); a mirror pod is skipped; a running pod with an emptyDir volume needs
 * {@code --delete-emptydir-data}; a running pod no controller owns needs {@code --force}. Finished
 * pods (Succeeded, Failed) pass every filter.
 */
final class DrainFilters {
    static final String DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
    static final String DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods";
    static final String LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)";
    static final String LOCAL_STORAGE_WARNING = "deleting Pods with local storage";
    static final String UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)";
    static final String UNMANAGED_WARNING = "deleting Pods that declare no controller";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    /** kubectl's {@code PodDeleteStatus}: delete or not, and why (Okay, Skip, Warning, Error). */
    record Verdict(boolean delete, Reason reason, String message) {
        static final Verdict OKAY = new Verdict(true, Reason.OKAY, "");
        static final Verdict SKIP = new Verdict(false, Reason.SKIP, "");

        static Verdict warning(boolean delete, String message) {
            return new Verdict(delete, Reason.WARNING, message);
        }

        static Verdict error(String message) {
            return new Verdict(false, Reason.ERROR, message);
        }
    }

    enum Reason {
        OKAY,
        SKIP,
        WARNING,
        ERROR
    }

    private final KlContext ctx;
    private final boolean ignoreDaemonSets;
    private final boolean deleteEmptyDirData;
    private final boolean force;

    DrainFilters(KlContext ctx, boolean ignoreDaemonSets, boolean deleteEmptyDirData, boolean force) {
        this.ctx = ctx;
        this.ignoreDaemonSets = ignoreDaemonSets;
        this.deleteEmptyDirData = deleteEmptyDirData;
        this.force = force;
    }

    /** The verdict of the first filter that keeps the pod, else the last one's. */
    Verdict judge(JsonNode pod) {
        Verdict v = daemonSet(pod);
        if (v.delete()) {
            v = mirror(pod);
        }
        if (v.delete()) {
            v = localStorage(pod);
        }
        if (v.delete()) {
            v = unreplicated(pod);
        }
        return v;
    }

    private static boolean finished(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText();
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    private static JsonNode controllerRef(JsonNode pod) {
        for (JsonNode ref : pod.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref;
            }
        }
        return null;
    }

    private Verdict daemonSet(JsonNode pod) {
        JsonNode ref = controllerRef(pod);
        if (ref == null || !ref.path("kind").asText().equals("DaemonSet") || finished(pod)) {
            return Verdict.OKAY;
        }
        String ns = pod.path("metadata").path("namespace").asText();
        String name = ref.path("name").asText();
        ApiClient.Resp r = ctx.client().call("GET", item(DaemonSetKind.RESOURCE, ns, name), null, null);
        if (!r.ok()) {
            // the orphan's DaemonSet is gone: kubectl deletes it only with --force
            String msg = DaemonSetKind.RESOURCE.plural() + "." + DaemonSetKind.RESOURCE.group() + " \"" + name
                    + "\" not found";
            if (r.code() != 404) {
                msg = ApiClient.error(r).getMessage();
            }
            return r.code() == 404 && force ? Verdict.warning(true, msg) : Verdict.error(msg);
        }
        if (!ignoreDaemonSets) {
            return Verdict.error(DAEMONSET_FATAL);
        }
        return Verdict.warning(false, DAEMONSET_WARNING);
    }

    private static Verdict mirror(JsonNode pod) {
        return pod.path("metadata").path("annotations").has(MIRROR_ANNOTATION) ? Verdict.SKIP : Verdict.OKAY;
    }

    private Verdict localStorage(JsonNode pod) {
        boolean emptyDir = false;
        for (JsonNode v : pod.path("spec").path("volumes")) {
            emptyDir |= v.has("emptyDir");
        }
        if (!emptyDir || finished(pod)) {
            return Verdict.OKAY;
        }
        return deleteEmptyDirData ? Verdict.warning(true, LOCAL_STORAGE_WARNING) : Verdict.error(LOCAL_STORAGE_FATAL);
    }

    private Verdict unreplicated(JsonNode pod) {
        if (finished(pod) || controllerRef(pod) != null) {
            return Verdict.OKAY;
        }
        return force ? Verdict.warning(true, UNMANAGED_WARNING) : Verdict.error(UNMANAGED_FATAL);
    }
}
