package io.kubelite.apiserver.replicasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.PatchType;
import io.kubelite.apiserver.QueryOptions;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.autoscaling.scale.Scalable;
import io.kubelite.store.ObjectStore;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code replicasets/{name}/scale} and {@code deployments/{name}/scale}: GET answers the
 * autoscaling/v1 Scale view; PUT and PATCH set the object's {@code spec.replicas} from the Scale
 * (bumping its generation when it changes). A {@code metadata.resourceVersion} in the Scale is a precondition
 * (409 when stale). Merge and strategic merge patches apply alike: a Scale has no lists.
 */
public final class ScaleHandler<T extends Message> {
    private final Request r;
    private final Scalable<T> kind;
    private final ObjectStore<T> store;
    private final String namespace;
    private final String name;

    public ScaleHandler(Request r, Scalable<T> kind, ObjectStore<T> store, String namespace, String name) {
        this.r = r;
        this.kind = kind;
        this.store = store;
        this.namespace = namespace;
        this.name = name;
    }

    public void get() {
        r.then(store.get(namespace, name), kind.resource(), name, rs -> r.json(200, ScaleSubresource.of(kind, rs)));
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
            JsonNode next = applied.apply(ScaleSubresource.of(kind, rs), in, null); // never strategic: no type needed
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

    /** Writes the replicas of the Scale that {@code next} makes of the current object. */
    private void write(Function<T, JsonNode> next) {
        boolean dry = QueryOptions.dryRun(r);
        UnaryOperator<T> fn = rs -> scaled(rs, next.apply(rs));
        if (dry) {
            r.then(
                    store.get(namespace, name),
                    kind.resource(),
                    name,
                    rs -> r.json(200, ScaleSubresource.of(kind, fn.apply(rs))));
            return;
        }
        r.then(
                store.guaranteedUpdate(namespace, name, fn),
                kind.resource(),
                name,
                rs -> r.json(200, ScaleSubresource.of(kind, rs)));
    }

    private T scaled(T rs, JsonNode scale) {
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(kind.resource().meta(rs).getResourceVersion())) {
            throw new ApiException(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on " + ApiException.qualified(kind.resource()) + " \"" + name
                            + "\": the object has been modified; please apply your changes to the latest version and try again",
                    name,
                    kind.resource().group(),
                    kind.resource().plural(),
                    List.of(),
                    null);
        }
        int replicas = ScaleSubresource.replicas(name, scale);
        var res = kind.resource();
        T out = kind.withReplicas().apply(rs, replicas);
        if (!res.spec(out).equals(res.spec(rs))) {
            out = res.withMeta(
                    out,
                    res.meta(out).toBuilder()
                            .setGeneration(res.meta(rs).getGeneration() + 1)
                            .build());
        }
        return out;
    }
}
