package io.kubelite.controllers.rootcacert;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountTokenVolume;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's root-ca-cert-publisher ({@code pkg/controller/certificates/rootcacertpublisher}): every
 * active namespace holds a ConfigMap {@value ServiceAccountTokenVolume#ROOT_CA_CONFIG_MAP} whose
 * {@code data} is exactly {@code ca.crt: <--root-ca-file>} and whose {@value #DESCRIPTION_ANNOTATION}
 * annotation is kube's text. The service-account token volume projects its {@code ca.crt} into
 * pods, so they can verify the API server. A ConfigMap deleted, or whose data or annotation was
 * edited, is made again (other edits, labels and binaryData among them, are kept, as in kube);
 * terminating namespaces are left alone. Only run with {@code --root-ca-file}.
 */
public final class RootCaCertPublisher implements Controller {
    /** The controller's {@code --controllers} name, kube's. */
    public static final String NAME = "root-ca-cert-publisher";
    /** kube's {@code DescriptionAnnotation}. */
    public static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    /** kube's {@code Description}, word for word. */
    public static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when"
            + " using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
            + " guaranteed across distributions of Kubernetes clusters.";

    private static final Logger LOG = LoggerFactory.getLogger(RootCaCertPublisher.class);
    private static final String NAME_IN_NS = ServiceAccountTokenVolume.ROOT_CA_CONFIG_MAP;

    private final Map<String, String> data;
    private final ObjectStore<ConfigMap> configMaps;
    private final Informer<Namespace> nsInformer;
    private final Informer<ConfigMap> cmInformer;
    private final WorkQueue<String> queue;

    /** Publishes {@code rootCa} (PEM, {@code --root-ca-file}'s contents) in every namespace. */
    public RootCaCertPublisher(ControllerContext ctx, String rootCa) {
        this.data = Map.of(ServiceAccountTokenVolume.ROOT_CA_KEY, rootCa);
        this.queue = ctx.newQueue(NAME);
        this.configMaps = ctx.store().of(ConfigMapKind.RESOURCE);
        this.nsInformer = ctx.informers().get(NamespaceKind.RESOURCE);
        this.cmInformer = ctx.informers().get(ConfigMapKind.RESOURCE);
        nsInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace n) {
                queue.add(n.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace old, Namespace n) {
                queue.add(n.getMetadata().getName());
            }
        });
        cmInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
                enqueue(cm);
            }

            @Override
            public void onDelete(ConfigMap cm) {
                enqueue(cm);
            }
        });
    }

    private void enqueue(ConfigMap cm) {
        if (cm.getMetadata().getName().equals(NAME_IN_NS)) {
            queue.add(cm.getMetadata().getNamespace());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        queue.start(2, this::sync);
    }

    private Result sync(String ns) throws Exception {
        Namespace n = nsInformer.get(null, ns).orElse(null);
        if (n == null
                || n.getMetadata().hasDeletionTimestamp()
                || n.getStatus().getPhase().equals("Terminating")) {
            return Result.done();
        }
        ConfigMap cm = cmInformer.get(ns, NAME_IN_NS).orElse(null);
        if (cm == null) {
            create(ns);
        } else if (!current(cm)) {
            repair(ns);
        }
        return Result.done();
    }

    /** kube's test: the data is exactly ca.crt, and the description annotation is not empty. */
    private boolean current(ConfigMap cm) {
        return cm.getDataMap().equals(data)
                && !cm.getMetadata()
                        .getAnnotationsOrDefault(DESCRIPTION_ANNOTATION, "")
                        .isEmpty();
    }

    private void create(String ns) throws Exception {
        try {
            configMaps
                    .create(ConfigMap.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(ns)
                                    .setName(NAME_IN_NS)
                                    .putAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION))
                            .putAllData(data)
                            .build())
                    .get(15, TimeUnit.SECONDS);
            LOG.info("created ConfigMap {}/{}", ns, NAME_IN_NS);
        } catch (Exception e) {
            // made meanwhile (the informer lags): its update event brings it back here if it differs
            if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                throw e;
            }
        }
    }

    private void repair(String ns) throws Exception {
        try {
            configMaps
                    .guaranteedUpdate(ns, NAME_IN_NS, cm -> {
                        if (current(cm)) {
                            return cm; // unchanged: no write
                        }
                        ConfigMap.Builder b = cm.toBuilder().clearData().putAllData(data);
                        b.getMetadataBuilder().putAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION);
                        return b.build();
                    })
                    .get(15, TimeUnit.SECONDS);
            LOG.info("updated ConfigMap {}/{} to the root CA", ns, NAME_IN_NS);
        } catch (Exception e) {
            // deleted meanwhile: its delete event brings it back here to be created
            if (!(StoreException.unwrap(e) instanceof NotFoundException)) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
