package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CrdStatus;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceKinds;
import io.kubelite.store.Store;
import io.kubelite.store.watch.WatchEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kinds this API server serves now: the built-in registry ({@link Kinds}) and the custom
 * resources of the established CustomResourceDefinitions, which it follows as a sink of the
 * CRD watch cache, so every replica serves a CRD's resource within one watch event of its
 * write and stops when it is deleted. A custom resource's watch cache starts on first use and
 * is closed with its CRD. Built-in group-versions are served as {@link RuntimeConfig} says
 * ({@code --runtime-config}; beta and alpha ones are off by default): a disabled one is absent
 * from discovery and its paths are 404, though its objects stay in etcd when another version
 * stores them. Discovery, path resolution and the handlers ask here.
 */
public final class ServedKinds implements WatchCache.Sink<CustomResourceDefinition> {
    private static final Logger LOG = LoggerFactory.getLogger(ServedKinds.class);

    /** "group/version/plural" → the kind; replaced whole when its CRD changes. */
    private final Map<String, Kind<CustomObject>> custom = new ConcurrentHashMap<>();
    /** CRD name → the CRD, while it has served versions (what OpenAPI publishes). */
    private final Map<String, CustomResourceDefinition> servedCrds = new ConcurrentHashMap<>();
    /** Told after every change of the served CRDs (OpenAPI regenerates). */
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** "group/plural" of the custom resources whose CRD is being deleted: creates are refused. */
    private final java.util.Set<String> terminating = ConcurrentHashMap.newKeySet();
    /** CRD name → the keys of {@link #custom} it defines. */
    private final Map<String, List<String>> byCrd = new ConcurrentHashMap<>();
    /** "group/version/plural" → its watch cache (one per version: each encodes its own apiVersion). */
    private final Map<String, WatchCache<CustomObject>> caches = new ConcurrentHashMap<>();

    private final Store store;
    private final int cacheSize;
    private final ScheduledExecutorService timers;
    private final RuntimeConfig runtimeConfig;
    private final List<Kind<? extends Message>> builtIns;

    ServedKinds(Store store, int cacheSize, ScheduledExecutorService timers, RuntimeConfig runtimeConfig) {
        this.store = store;
        this.cacheSize = cacheSize;
        this.timers = timers;
        this.runtimeConfig = runtimeConfig;
        this.builtIns = Kinds.all().stream()
                .filter(k ->
                        runtimeConfig.enabled(k.resource().group(), k.resource().version()))
                .toList();
    }

    /** The built-in resources served (those of the group-versions {@code --runtime-config} enables). */
    public List<Resource<? extends Message>> builtInResources() {
        return runtimeConfig.served();
    }

    /** Every served kind: the built-ins in registry order, then the custom ones by group, version, plural. */
    public List<Kind<? extends Message>> all() {
        List<Kind<? extends Message>> out = new ArrayList<>(builtIns);
        custom.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(e -> out.add(e.getValue()));
        return out;
    }

    public List<Resource<? extends Message>> resources() {
        return all().stream().<Resource<? extends Message>>map(Kind::resource).toList();
    }

    /**
     * The resources with etcd keys of their own: the built-in stored ones, and each custom
     * resource once (its versions share their objects). What a namespace's deletion empties.
     */
    public List<Resource<? extends Message>> stored() {
        List<Resource<? extends Message>> out = new ArrayList<>(Kinds.stored());
        java.util.Set<String> segments = new java.util.HashSet<>();
        for (Kind<CustomObject> k : custom.values()) {
            if (segments.add(k.resource().keySegment())) {
                out.add(k.resource());
            }
        }
        return out;
    }

    /** The resource served at {@code /apis/<group>/<version>/<plural>}. */
    public Optional<Resource<? extends Message>> byPlural(String group, String version, String plural) {
        Kind<CustomObject> k = custom.get(group + "/" + version + "/" + plural);
        if (k != null) {
            return Optional.of(k.resource());
        }
        for (Kind<? extends Message> b : builtIns) {
            Resource<? extends Message> r = b.resource();
            if (r.plural().equals(plural)
                    && r.group().equals(group)
                    && r.version().equals(version)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The CRDs with served versions now, as last seen. */
    public List<CustomResourceDefinition> servedCrds() {
        return List.copyOf(servedCrds.values());
    }

    /**
     * Calls {@code listener} after each change of a served CRD (created, changed, deleted), on the
     * thread delivering the CRD watch; it must return at once.
     */
    public void onServedChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Whether {@code r} is a custom resource whose CRD is being deleted (kube then refuses creates). */
    public boolean terminating(Resource<?> r) {
        return terminating.contains(r.group() + "/" + r.plural());
    }

    /** The watch cache of a custom resource, started on first use; null when its CRD is gone. */
    WatchCache<CustomObject> cache(Resource<CustomObject> r) {
        String key = r.group() + "/" + r.version() + "/" + r.plural();
        if (!custom.containsKey(key)) {
            return null;
        }
        return caches.computeIfAbsent(key, seg -> {
            WatchCache<CustomObject> c = new WatchCache<>(store.of(r), cacheSize, timers);
            c.start();
            LOG.info("watch cache started for custom resource {}", seg);
            return c;
        });
    }

    @Override
    public void change(WatchChange<CustomResourceDefinition> c) {
        CustomResourceDefinition crd = c.object();
        String name = crd.getMetadata().getName();
        List<String> old = byCrd.getOrDefault(name, List.of());
        if (c.type() == WatchEvent.Type.DELETED) {
            deleteObjects(name, old);
        }
        List<Kind<CustomObject>> kinds = c.type() == WatchEvent.Type.DELETED ? List.of() : CustomResourceKinds.of(crd);
        List<String> keys = new ArrayList<>();
        for (Kind<CustomObject> k : kinds) {
            Resource<CustomObject> r = k.resource();
            String key = r.group() + "/" + r.version() + "/" + r.plural();
            custom.put(key, k);
            keys.add(key);
        }
        for (String key : old) {
            if (!keys.contains(key)) {
                custom.remove(key);
                WatchCache<CustomObject> cache = caches.remove(key);
                if (cache != null) {
                    cache.close();
                }
            }
        }
        String groupResource = crd.getSpec().getGroup() + "/"
                + crd.getStatus().getAcceptedNames().getPlural();
        if (c.type() != WatchEvent.Type.DELETED && CrdStatus.terminating(crd)) {
            terminating.add(groupResource);
        } else {
            terminating.remove(groupResource);
        }
        boolean wasServed = servedCrds.containsKey(name);
        if (keys.isEmpty()) {
            servedCrds.remove(name);
        } else {
            servedCrds.put(name, crd);
        }
        if (wasServed || !keys.isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        if (keys.isEmpty()) {
            byCrd.remove(name);
            if (!old.isEmpty()) {
                // the CRD is gone (or no longer served): its objects stop being served
                LOG.info("custom resource {} no longer served", name);
            }
        } else {
            byCrd.put(name, List.copyOf(keys));
            if (!keys.equals(old)) {
                LOG.info("custom resource versions served for {}: {}", name, keys);
            }
        }
    }

    /**
     * A backstop: {@link CustomResourceCleanup} has deleted a CRD's objects before the CRD goes, but
     * a CRD whose cleanup finalizer was removed by hand (or one stored before kubelite added it)
     * must not leave objects that a CRD created again would serve. Every replica issues the same
     * idempotent range delete, conditional on the CRD still being absent so a replica that sees
     * the deletion late cannot remove the objects of a CRD re-created meanwhile.
     */
    private void deleteObjects(String crd, List<String> served) {
        if (served.isEmpty()) {
            return;
        }
        Resource<CustomObject> r = custom.get(served.get(0)).resource();
        store.of(r).deleteAllObjectsUnless(crdKey(crd)).whenComplete((n, err) -> {
            if (err != null) {
                LOG.warn("deleting the objects of deleted CRD {} failed: {}", crd, err.toString());
            } else if (n > 0) {
                LOG.info("deleted {} objects of deleted CRD {}", n, crd);
            }
        });
    }

    private String crdKey(String crd) {
        return store.of(CustomResourceDefinitionKind.RESOURCE).key("", crd);
    }

    @Override
    public void bookmark(long revision) {}

    @Override
    public void expired(String message) {}

    /** Closes the custom resources' watch caches (the API server is stopping). */
    void close() {
        caches.values().forEach(WatchCache::close);
        caches.clear();
    }
}
