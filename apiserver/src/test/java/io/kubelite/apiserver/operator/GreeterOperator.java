package io.kubelite.apiserver.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small operator written against fabric8 as operators are: informers over its custom resource
 * ({@code Greeter}, {@code greeters.demo.example.org}) and over the pods it owns, and a level-based
 * reconcile of one Greeter at a time on its own thread. A Greeter wants {@code spec.replicas} pods
 * saying {@code spec.message}; the operator creates them with a controller owner reference,
 * deletes the surplus, and writes {@code status.pods} and {@code status.readyPods} through the
 * status subresource; a failed reconcile (a conflict from a stale cache) is retried shortly. It never deletes the pods of a deleted Greeter: the garbage collector does.
 */
public final class GreeterOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GreeterOperator.class);
    public static final String API_VERSION = "demo.example.org/v1";
    public static final String KIND = "Greeter";
    public static final String LABEL = "demo.example.org/greeter";

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "greeter-operator");
        t.setDaemon(true);
        return t;
    });
    private final SharedIndexInformer<GenericKubernetesResource> greeters;
    private final SharedIndexInformer<Pod> pods;

    /** Starts watching {@code namespace}; reconciles begin once both caches are filled. */
    public GreeterOperator(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.greeters = client.genericKubernetesResources(API_VERSION, KIND)
                .inNamespace(namespace)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource g) {
                        enqueue(g.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource g) {
                        enqueue(g.getMetadata().getName());
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource g, boolean unknownFinalState) {}
                });
        this.pods = client.pods().inNamespace(namespace).withLabel(LABEL).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onDelete(Pod p, boolean unknownFinalState) {
                enqueueOwner(p);
            }
        });
    }

    private void enqueueOwner(Pod p) {
        String owner = p.getMetadata().getLabels().get(LABEL);
        if (owner != null) {
            enqueue(owner);
        }
    }

    private void enqueue(String name) {
        if (!worker.isShutdown()) {
            worker.execute(() -> reconcile(name));
        }
    }

    /** Brings the Greeter's pods and status in line with its spec; a failure is retried on the next event. */
    private void reconcile(String name) {
        GenericKubernetesResource g = greeters.getIndexer().getByKey(namespace + "/" + name);
        if (g == null || g.getMetadata().getDeletionTimestamp() != null) {
            return; // gone or going: its pods follow through the garbage collector
        }
        try {
            String uid = g.getMetadata().getUid();
            int want = ((Number) g.<Object>get("spec", "replicas")).intValue();
            String message = g.get("spec", "message");
            List<Pod> owned = pods.getIndexer().list().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(p -> p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> uid.equals(o.getUid()) && Boolean.TRUE.equals(o.getController())))
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
            for (int i = 0; i < want; i++) {
                String podName = name + "-" + i;
                if (owned.stream().noneMatch(p -> p.getMetadata().getName().equals(podName))) {
                    create(g, podName, message);
                }
            }
            for (Pod p : owned) {
                if (index(p, name) >= want) {
                    client.pods()
                            .inNamespace(namespace)
                            .withName(p.getMetadata().getName())
                            .delete();
                    LOG.info(
                            "greeter {}/{}: deleted surplus pod {}",
                            namespace,
                            name,
                            p.getMetadata().getName());
                }
            }
            long ready = owned.stream()
                    .filter(p -> index(p, name) < want)
                    .filter(GreeterOperator::ready)
                    .count();
            long existing = owned.stream().filter(p -> index(p, name) < want).count();
            writeStatus(g, existing, ready);
        } catch (KubernetesClientException e) {
            // a conflict (a stale cache) or a pod that exists already: again shortly, from fresher caches
            LOG.info("greeter {}/{}: reconcile failed, retrying: {}", namespace, name, e.getMessage());
            if (!worker.isShutdown()) {
                worker.schedule(() -> reconcile(name), 500, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static int index(Pod p, String greeter) {
        try {
            return Integer.parseInt(p.getMetadata().getName().substring(greeter.length() + 1));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE; // not one of ours by name: surplus
        }
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void create(GenericKubernetesResource g, String podName, String message) {
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withName(g.getMetadata().getName())
                .withUid(g.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .addToLabels(LABEL, g.getMetadata().getName())
                .addToAnnotations("demo.example.org/message", message)
                .withOwnerReferences(owner)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("greeter")
                .withImage("busybox")
                .withArgs("echo", message)
                .endContainer()
                .endSpec()
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        LOG.info("greeter {}/{}: created pod {}", namespace, g.getMetadata().getName(), podName);
    }

    private void writeStatus(GenericKubernetesResource g, long existing, long ready) {
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("pods", existing);
        status.put("readyPods", ready);
        Object current = g.getAdditionalProperties().get("status");
        if (current instanceof Map<?, ?> m
                && m.get("pods") instanceof Number p
                && p.longValue() == existing
                && m.get("readyPods") instanceof Number r
                && r.longValue() == ready) {
            return; // unchanged: no write, no event
        }
        GenericKubernetesResource next = new GenericKubernetesResource();
        next.setApiVersion(g.getApiVersion());
        next.setKind(g.getKind());
        next.setMetadata(g.getMetadata());
        next.setAdditionalProperties(new HashMap<>(g.getAdditionalProperties()));
        next.setAdditionalProperty("status", status);
        client.genericKubernetesResources(API_VERSION, KIND)
                .inNamespace(namespace)
                .resource(next)
                .updateStatus();
    }

    @Override
    public void close() throws InterruptedException {
        greeters.close();
        pods.close();
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
