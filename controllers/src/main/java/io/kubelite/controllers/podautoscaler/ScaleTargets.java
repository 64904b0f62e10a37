package io.kubelite.controllers.podautoscaler;

import com.google.protobuf.Message;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.api.autoscaling.v2.CrossVersionObjectReference;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.kinds.autoscaling.scale.Scalable;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HPA's {@code /scale} client: resolves a {@code scaleTargetRef} through the kinds registry to a
 * kind with a scale subresource ({@link Scalable}), reads its scale (a fresh read from etcd, as kube's
 * HPA GETs {@code /scale} on every sync) and writes {@code spec.replicas} alone (bumping
 * {@code generation}, as the API server does for a spec change), on the condition that the revision it
 * read is still current, with the leader's fence: exactly what a {@code /scale} update changes.
 * A custom resource's kind comes from its established CRD (the storage version; a CRD without the
 * scale subresource has no scale). Thread-safe.
 */
final class ScaleTargets {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Why a target's scale could not be read; the message is what kube's HPA reports. */
    static final class ScaleException extends Exception {
        ScaleException(String message) {
            super(message);
        }
    }

    /** A target's scale as read: {@code spec.replicas}, {@code status.replicas}, the selector string. */
    interface Scale {
        int specReplicas();

        int statusReplicas();

        String selector();

        /** The target's resource, as kube's messages name it ({@code deployments.apps}). */
        String resourceName();

        /** Writes {@code spec.replicas}; fails on a concurrent change or a lost leadership. */
        void update(int replicas) throws Exception;
    }

    /** A CRD's storage version resource, built once per CRD revision (building compiles its schema). */
    private record Built(String resourceVersion, Resource<CustomObject> resource) {}

    private final Store store;
    private final Supplier<List<CustomResourceDefinition>> crds;
    private final Map<String, Built> custom = new ConcurrentHashMap<>();

    /** {@code crds}: the CRDs known now (an informer's list), for custom resources with a scale subresource. */
    ScaleTargets(Store store, Supplier<List<CustomResourceDefinition>> crds) {
        this.store = store;
        this.crds = crds;
    }

    Scale get(String namespace, CrossVersionObjectReference ref) throws ScaleException {
        String group = group(ref.getApiVersion());
        Resource<? extends Message> r = Kinds.resources().stream()
                .filter(x -> x.group().equals(group) && x.kind().equals(ref.getKind()))
                .findFirst()
                .orElse(null);
        if (r == null) {
            r = customResource(group, ref.getKind());
        }
        if (r == null) {
            throw new ScaleException("no matches for kind \"" + ref.getKind() + "\" in group \"" + group + "\"");
        }
        return read(r, namespace, ref.getName());
    }

    /** The storage version's resource of the established CRD defining {@code group}/{@code kind}, or null. */
    private Resource<CustomObject> customResource(String group, String kind) {
        for (CustomResourceDefinition crd : crds.get()) {
            if (!crd.getSpec().getGroup().equals(group)
                    || !crd.getStatus().getAcceptedNames().getKind().equals(kind)) {
                continue;
            }
            String name = crd.getMetadata().getName();
            String rv = crd.getMetadata().getResourceVersion();
            Built b = custom.get(name);
            if (b == null || !b.resourceVersion().equals(rv)) {
                String storage = crd.getSpec().getVersionsList().stream()
                        .filter(CustomResourceDefinitionVersion::getStorage)
                        .map(CustomResourceDefinitionVersion::getName)
                        .findFirst()
                        .orElse("");
                Resource<CustomObject> res = CustomResourceKinds.of(crd).stream()
                        .map(Kind::resource)
                        .filter(x -> x.version().equals(storage))
                        .findFirst()
                        .orElse(null);
                if (res == null) {
                    return null; // not established, or its storage version not served
                }
                b = new Built(rv, res);
                custom.put(name, b);
            }
            return b.resource();
        }
        return null;
    }

    private <T extends Message> Scale read(Resource<T> r, String namespace, String name) throws ScaleException {
        String resourceName = r.group().isEmpty() ? r.plural() : r.plural() + "." + r.group();
        Optional<Scalable<T>> scalable = Scalable.of(r);
        if (scalable.isEmpty()) {
            throw new ScaleException("the server could not find the requested resource (" + resourceName + "/scale)");
        }
        Scalable<T> s = scalable.get();
        ObjectStore<T> objects = store.of(r);
        T obj;
        try {
            obj = objects.get(namespace, name).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (StoreException.unwrap(e) instanceof NotFoundException) {
                throw new ScaleException(resourceName + " \"" + name + "\" not found");
            }
            throw new ScaleException("reading " + resourceName + " \"" + name + "\": " + e);
        }
        return new Scale() {
            @Override
            public int specReplicas() {
                return s.specReplicas().apply(obj);
            }

            @Override
            public int statusReplicas() {
                return s.statusReplicas().apply(obj);
            }

            @Override
            public String selector() {
                return s.selector().apply(obj);
            }

            @Override
            public String resourceName() {
                return resourceName;
            }

            @Override
            public void update(int replicas) throws Exception {
                // the revision read must still be current (a /scale update carries it), and generation
                // moves with the spec as the API server moves it
                String rv = r.meta(obj).getResourceVersion();
                objects.guaranteedUpdate(
                                namespace,
                                name,
                                Preconditions.resourceVersion(rv),
                                cur -> s.withReplicas().apply(cur, replicas))
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }

    /** The group of an apiVersion ({@code apps/v1} → apps, {@code v1} → core's ""), as kube parses it. */
    static String group(String apiVersion) throws ScaleException {
        if (apiVersion.isEmpty()) {
            return "";
        }
        String[] parts = apiVersion.split("/", -1);
        if (parts.length == 1) {
            return "";
        }
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return parts[0];
        }
        throw new ScaleException("unexpected GroupVersion string: " + apiVersion);
    }
}
