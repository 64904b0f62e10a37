package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.apiserver.pods.PodGracefulDeletion;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DELETE of a collection: every object the namespace and selectors match (a quorum list)
 * is deleted at once, by uid, except pods due a graceful deletion, which get their
 * deletionTimestamp; objects gone meanwhile are skipped. Answers a Success Status.
 */
final class DeleteCollectionHandler {
    private DeleteCollectionHandler() {}

    static <T extends Message> void deleteCollection(RequestScope<T> s, String body) {
        DeleteOptions opts = DeleteOptions.parse(s.request(), body);
        ListOptions<T> list = new ListOptions<>(s.listNamespace(), s.filter(), 0, 0, "");
        s.then(s.store().list(list), null, objects -> {
            List<CompletableFuture<?>> all = new ArrayList<>();
            if (!opts.dryRun()) {
                for (T o : objects.items()) {
                    all.add(delete(s, o, opts));
                }
            }
            s.then(
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)),
                    null,
                    v -> s.request().json(200, Codec.successStatus()));
        });
    }

    private static <T extends Message> CompletableFuture<?> delete(RequestScope<T> s, T o, DeleteOptions opts) {
        ObjectMeta m = s.resource().meta(o);
        if (KindRules.deletionStyle(s.resource()) == DeletionStyle.GRACEFUL) {
            Pod pod = (Pod) o;
            if (PodGracefulDeletion.applies(pod, opts.grace(), s.ctx().cache(NodeKind.RESOURCE))) {
                @SuppressWarnings("unchecked")
                ObjectStore<Pod> pods = (ObjectStore<Pod>) s.store();
                return PodGracefulDeletion.startUnlessDeleting(
                        pods, m.getNamespace(), m.getName(), PodGracefulDeletion.grace(pod, opts.grace()));
            }
        }
        return s.store()
                .delete(m.getNamespace(), m.getName(), Preconditions.uid(m.getUid()))
                .thenApply(d -> {
                    s.ctx().services().deleted(d.object());
                    return d;
                })
                .exceptionally(err -> null);
    }
}
