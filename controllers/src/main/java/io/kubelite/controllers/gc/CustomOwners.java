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
 * The custom kinds, followed from the CustomResourceDefinitions for the garbage collector (kube's
 * collector follows discovery the same way, so no kind is listed by hand): each established CRD
 * gets an informer over its objects — owners and dependents alike — handed to {@link Listener}
 * before it starts, and closed when the CRD goes. An owner reference resolves by group and kind
 * (the versions of a CRD share their objects); a kind whose CRD is gone still resolves, so that
 * the quorum read finds its owners absent and their dependents are collected.
 */
final class CustomOwners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CustomOwners.class);

    /** The garbage collector's side of the custom kinds' informers. */
    interface Listener {
        /** A new informer over a custom resource's objects, not yet started: add indexes and handlers. */
        void starting(Informer<CustomObject> inf);

        /** The informer is closed: its CRD went (its objects are gone) or changed its names. */
        void stopped(Informer<CustomObject> inf);
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
            listener.stopped(current);
        }
        byGroupKind.put(r.group() + "/" + r.kind(), r);
        Informer<CustomObject> inf = new Informer<>(store.of(r), null);
        listener.starting(inf);
        informers.put(name, inf);
        inf.start();
        LOG.info("garbage collector follows custom objects {} of CRD {}", r.keySegment(), name);
    }

    private synchronized void stop(CustomResourceDefinition crd) {
        Informer<CustomObject> inf = informers.remove(crd.getMetadata().getName());
        if (inf != null) {
            inf.close();
            LOG.info(
                    "garbage collector stops following custom objects of CRD {}",
                    crd.getMetadata().getName());
            listener.stopped(inf);
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
