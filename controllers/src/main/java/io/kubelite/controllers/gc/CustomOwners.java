package io.kubelite.controllers.gc;

import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionNames;
import io.kubelite.api.CustomResourceDefinitionVersion;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CrdStatus;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The custom kinds that can own objects, followed from the CustomResourceDefinitions (kube's
 * garbage collector follows discovery the same way, so no kind is listed by hand): each
 * established CRD gets an informer over its objects, started when the CRD appears and closed when
 * it goes, whose events {@link Listener} hears. An owner reference resolves by group and kind
 * (the versions of a CRD share their objects); a kind whose CRD is gone still resolves, so that
 * the quorum read finds its owners absent and their dependents are collected.
 */
final class CustomOwners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CustomOwners.class);

    /** What the garbage collector hears from the custom owners' informers. */
    interface Listener {
        /** A custom object was added or changed; {@code r} is its resource. */
        void ownerChanged(Resource<CustomObject> r, CustomObject o);

        /** A custom object was deleted. */
        void ownerDeleted(CustomObject o);

        /** The CRD of {@code group}/{@code kind} stopped being served: its objects are gone. */
        void kindGone(String group, String kind);
    }

    private final Store store;
    private final Listener listener;
    /** "group/Kind" → the resource read for it; kept after its CRD goes (see the class comment). */
    private final Map<String, Resource<CustomObject>> byGroupKind = new ConcurrentHashMap<>();
    /** CRD name → the informer over its objects. */
    private final Map<String, Informer<CustomObject>> informers = new ConcurrentHashMap<>();

    private volatile boolean closed;

    CustomOwners(Informer<CustomResourceDefinition> crds, Store store, Listener listener) {
        this.store = store;
        this.listener = listener;
        crds.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CustomResourceDefinition crd) {
                follow(crd);
            }

            @Override
            public void onUpdate(CustomResourceDefinition old, CustomResourceDefinition crd) {
                follow(crd);
            }

            @Override
            public void onDelete(CustomResourceDefinition crd) {
                stop(crd);
            }
        });
    }

    /** The resource of an owner reference's custom kind, when a CRD has defined it. */
    Optional<Resource<CustomObject>> byKind(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(byGroupKind.get(apiVersion.substring(0, slash) + "/" + kind));
    }

    /** The informer over a custom resource's objects, by its key segment ({@code group/plural}); null if none. */
    Informer<CustomObject> informer(String keySegment) {
        for (Informer<CustomObject> i : informers.values()) {
            if (i.resource().keySegment().equals(keySegment)) {
                return i;
            }
        }
        return null;
    }

    private synchronized void follow(CustomResourceDefinition crd) {
        Resource<CustomObject> r = resource(crd);
        if (r == null) {
            stop(crd);
            return;
        }
        String name = crd.getMetadata().getName();
        Informer<CustomObject> current = informers.get(name);
        if (closed || current != null && current.resource().keySegment().equals(r.keySegment())) {
            return;
        }
        if (current != null) {
            current.close();
        }
        byGroupKind.put(r.group() + "/" + r.kind(), r);
        Informer<CustomObject> inf = new Informer<>(store.of(r), null);
        inf.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CustomObject o) {
                listener.ownerChanged(r, o);
            }

            @Override
            public void onUpdate(CustomObject old, CustomObject o) {
                listener.ownerChanged(r, o);
            }

            @Override
            public void onDelete(CustomObject o) {
                listener.ownerDeleted(o);
            }
        });
        informers.put(name, inf);
        inf.start();
        LOG.info("garbage collector follows custom owners {} of CRD {}", r.keySegment(), name);
    }

    private synchronized void stop(CustomResourceDefinition crd) {
        Informer<CustomObject> inf = informers.remove(crd.getMetadata().getName());
        if (inf != null) {
            inf.close();
            LOG.info(
                    "garbage collector stops following custom owners of CRD {}",
                    crd.getMetadata().getName());
            listener.kindGone(inf.resource().group(), inf.resource().kind());
        }
    }

    /** The storage version's resource of an established CRD; null when it serves nothing. */
    private static Resource<CustomObject> resource(CustomResourceDefinition crd) {
        if (!CrdStatus.isTrue(crd, "Established")) {
            return null;
        }
        CustomResourceDefinitionNames names = crd.getStatus().getAcceptedNames();
        String version = crd.getSpec().getVersionsList().stream()
                .filter(CustomResourceDefinitionVersion::getStorage)
                .map(CustomResourceDefinitionVersion::getName)
                .findFirst()
                .orElse(null);
        if (version == null || names.getPlural().isEmpty()) {
            return null;
        }
        return new Resource<>(
                crd.getSpec().getGroup(),
                version,
                names.getKind(),
                names.getPlural(),
                crd.getSpec().getScope().equals("Namespaced"),
                CustomObject.getDefaultInstance(),
                names.getShortNamesList());
    }

    @Override
    public synchronized void close() {
        closed = true;
        informers.values().forEach(Informer::close);
        informers.clear();
    }
}
