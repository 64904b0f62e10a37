package io.kubelite.apiserver.replicasets;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ReplicaSet;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.PatchType;
import io.kubelite.apiserver.QueryOptions;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.store.ObjectStore;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code replicasets/{name}/scale}: GET answers the autoscaling/v1 Scale view; PUT and
 * PATCH set the ReplicaSet's {@code spec.replicas} from the Scale (bumping its generation
 * when it changes). A {@code metadata.resourceVersion} in the Scale is a precondition
 * (409 when stale). Merge and strategic merge patches apply alike: a Scale has no lists.
 */
public final class ScaleHandler {
    private final Request r;
    private final ObjectStore<ReplicaSet> store;
    private final String namespace;
    private final String name;

    public ScaleHandler(Request r, ObjectStore<ReplicaSet> store, String namespace, String name) {
        this.r = r;
        this.store = store;
        this.namespace = namespace;
        this.name = name;
    }

    public void get() {
        r.then(store.get(namespace, name), ReplicaSetKind.RESOURCE, name, rs -> r.json(200, ScaleSubresource.of(rs)));
    }

    /** PUT: the body is the whole Scale. */
    public void update(String body) {
        JsonNode in = scaleBody(body);
        ScaleSubresource.checkTypeMeta(in);
        write(rs -> in);
    }

    /** PATCH: the body patches the current Scale. */
    public void patch(PatchType type, String body) {
        JsonNode in = scaleBody(body);
        PatchType applied = type == PatchType.JSON ? PatchType.JSON : PatchType.MERGE;
        write(rs -> {
            JsonNode next = applied.apply(ScaleSubresource.of(rs), in, null); // never strategic: no type needed
            ScaleSubresource.checkTypeMeta(next);
            return next;
        });
    }

    private static JsonNode scaleBody(String body) {
        JsonNode in = BodyDecoder.json(body, "the request body");
        if (in == null || in.isMissingNode()) {
            throw ApiException.badRequest("the body of the request was empty");
        }
        return in;
    }

    /** Writes the replicas of the Scale that {@code next} makes of the current ReplicaSet. */
    private void write(Function<ReplicaSet, JsonNode> next) {
        boolean dry = QueryOptions.dryRun(r);
        UnaryOperator<ReplicaSet> fn = rs -> scaled(rs, next.apply(rs));
        if (dry) {
            r.then(
                    store.get(namespace, name),
                    ReplicaSetKind.RESOURCE,
                    name,
                    rs -> r.json(200, ScaleSubresource.of(fn.apply(rs))));
            return;
        }
        r.then(
                store.guaranteedUpdate(namespace, name, fn),
                ReplicaSetKind.RESOURCE,
                name,
                rs -> r.json(200, ScaleSubresource.of(rs)));
    }

    private ReplicaSet scaled(ReplicaSet rs, JsonNode scale) {
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(rs.getMetadata().getResourceVersion())) {
            throw new ApiException(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on " + ApiException.qualified(ReplicaSetKind.RESOURCE) + " \"" + name
                            + "\": the object has been modified; please apply your changes to the latest version and try again",
                    name,
                    ReplicaSetKind.RESOURCE.group(),
                    ReplicaSetKind.RESOURCE.plural(),
                    List.of(),
                    null);
        }
        int replicas = ScaleSubresource.replicas(name, scale);
        ReplicaSet.Builder b = rs.toBuilder();
        b.getSpecBuilder().setReplicas(replicas);
        ReplicaSet out = b.build();
        if (!out.getSpec().equals(rs.getSpec())) {
            out = out.toBuilder()
                    .setMetadata(out.getMetadata().toBuilder()
                            .setGeneration(rs.getMetadata().getGeneration() + 1))
                    .build();
        }
        return out;
    }
}
