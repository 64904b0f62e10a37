package io.kubelite.controllers.namespace;

import com.google.protobuf.Message;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * kube's namespaced-resources deleter: deletes every object of a terminating namespace as a
 * DELETE through the API would — every built-in namespaced kind (the registry's one list) and
 * every custom resource an established CRD defines (read from etcd on each pass, as kube
 * follows discovery). A bound pod is deleted gracefully (its grace period, then its kubelet
 * removes it); an object with finalizers only gets a deletionTimestamp and stays until they
 * are removed (the garbage collector's {@code foregroundDeletion} and {@code orphan} among
 * them); any other object is removed. Every write compares the object's uid, so a successor
 * of the same name is never touched. Reports what remains.
 */
final class NamespacedContentDeleter {
    private static final List<Resource<? extends Message>> BUILT_IN =
            Kinds.stored().stream().filter(Resource::namespaced).toList();
    private static final long TIMEOUT_SECONDS = 15;

    private final Store store;

    NamespacedContentDeleter(Store store) {
        this.store = store;
    }

    /** One pass over namespace {@code ns}: deletes what can be deleted and reports what remains. */
    NamespaceContent deleteAll(String ns) {
        NamespaceContent content = new NamespaceContent();
        List<Resource<? extends Message>> resources = new ArrayList<>(BUILT_IN);
        try {
            resources.addAll(customResources());
        } catch (Exception e) {
            content.discoveryFailure = "apiextensions.k8s.io/v1: " + describe(e);
        }
        for (Resource<? extends Message> r : resources) {
            try {
                deleteAll(r, ns, content);
            } catch (Exception e) {
                content.failures.put(key(r), describe(e));
            }
        }
        return content;
    }

    private List<Resource<? extends Message>> customResources() throws Exception {
        List<Resource<? extends Message>> out = new ArrayList<>();
        for (CustomResourceDefinition crd : store.of(CustomResourceDefinitionKind.RESOURCE)
                .list(ListOptions.all())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .items()) {
            CustomResourceKinds.storageResource(crd)
                    .filter(Resource::namespaced)
                    .ifPresent(out::add);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> void deleteAll(Resource<T> r, String ns, NamespaceContent content) throws Exception {
        ObjectStore<T> objects = store.of(r);
        for (T obj : objects.list(ListOptions.<T>inNamespace(ns))
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .items()) {
            ObjectMeta m = r.meta(obj);
            if (m.hasDeletionTimestamp()) {
                continue;
            }
            try {
                if (r.equals(PodKind.RESOURCE) && m.getFinalizersCount() == 0) {
                    Pods.delete((ObjectStore<Pod>) objects, (Pod) obj).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } else if (m.getFinalizersCount() > 0) {
                    objects.guaranteedUpdate(ns, m.getName(), Preconditions.uid(m.getUid()), cur -> {
                                ObjectMeta cm = r.meta(cur);
                                return cm.hasDeletionTimestamp()
                                        ? cur
                                        : r.withMeta(
                                                cur,
                                                cm.toBuilder()
                                                        .setDeletionTimestamp(Times.nowSeconds())
                                                        .setDeletionGracePeriodSeconds(0)
                                                        .build());
                            })
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } else {
                    objects.delete(ns, m.getName(), Preconditions.uid(m.getUid()))
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                if (!Pods.isGone(e)) {
                    throw e;
                }
            }
        }
        List<T> left = objects.list(ListOptions.<T>inNamespace(ns))
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .items();
        if (!left.isEmpty()) {
            content.remaining.put(key(r), left.size());
            for (T obj : left) {
                for (String f : r.meta(obj).getFinalizersList()) {
                    content.finalizers.merge(f, 1, Integer::sum);
                }
            }
        }
    }

    /** kube's {@code <resource>.<group>} as its conditions name resources ({@code pods.} for the core group). */
    private static String key(Resource<?> r) {
        return r.plural() + "." + r.group();
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
    }
}
