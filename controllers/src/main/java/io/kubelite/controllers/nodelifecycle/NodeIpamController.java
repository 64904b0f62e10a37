package io.kubelite.controllers.nodelifecycle;

import io.kubelite.api.Node;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.events.EventRecorder;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every node a unique {@code spec.podCIDR} from {@code --cluster-cidr}
 * (Kubernetes' range allocator).
 *
 * <p>At the start of a term the allocation is rebuilt from every node's existing
 * podCIDR before anything is handed out, so a restart or failover never allocates a
 * CIDR twice. A node's CIDR is freed when the node is deleted. An exhausted range is a
 * {@code CIDRNotAvailable} event and a log line; the node is retried every 30 s.
 */
public final class NodeIpamController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);
    private static final Duration EXHAUSTED_RETRY = Duration.ofSeconds(30);

    private final ObjectStore<Node> nodes;
    private final Informer<Node> nodeInformer;
    private final EventRecorder recorder;
    private final CidrSet cidrs;
    private final WorkQueue<String> queue;
    /** node name -> the CIDR this term accounts to it; guarded by this. */
    private final Map<String, String> owned = new HashMap<>();

    public NodeIpamController(ControllerContext ctx) {
        this.queue = ctx.newQueue("nodeipam");
        this.nodes = ctx.store().of(NodeKind.RESOURCE);
        this.nodeInformer = ctx.informers().get(NodeKind.RESOURCE);
        this.recorder = ctx.recorder();
        this.cidrs = CidrSet.parse(ctx.options().clusterCidr, ctx.options().nodeCidrMaskSize);
        nodeInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                queue.add(n.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!o.getSpec().getPodCidr().equals(n.getSpec().getPodCidr())) {
                    queue.add(n.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Node n) {
                queue.add(n.getMetadata().getName());
            }
        });
    }

    @Override
    public String name() {
        return "nodeipam";
    }

    @Override
    public void start() {
        // Rebuild the allocation from what is in etcd before handing anything out.
        synchronized (this) {
            for (Node n : nodeInformer.list()) {
                String c = n.getSpec().getPodCidr();
                if (!c.isEmpty()) {
                    if (cidrs.occupy(c)) {
                        owned.put(n.getMetadata().getName(), c);
                    } else {
                        LOG.warn(
                                "node {} has podCIDR {} outside the cluster CIDR {}; leaving it alone",
                                n.getMetadata().getName(),
                                c,
                                cidrs);
                    }
                }
            }
            LOG.info(
                    "CIDR allocator rebuilt from {} nodes: {} of {} subnets of {} in use",
                    nodeInformer.list().size(),
                    cidrs.used(),
                    cidrs.size(),
                    cidrs);
        }
        queue.start(1, this::sync);
    }

    private Result sync(String name) throws Exception {
        Node n = nodeInformer.get(name).orElse(null);
        if (n == null) {
            synchronized (this) {
                String c = owned.remove(name);
                if (c != null) {
                    cidrs.release(c);
                    LOG.info("released CIDR {} of deleted node {}", c, name);
                }
            }
            // nodes waiting on an exhausted range can have it now
            for (Node w : nodeInformer.list()) {
                if (w.getSpec().getPodCidr().isEmpty()) {
                    queue.add(w.getMetadata().getName());
                }
            }
            return Result.done();
        }
        String have = n.getSpec().getPodCidr();
        if (!have.isEmpty()) {
            synchronized (this) {
                String prev = owned.get(name);
                if (!have.equals(prev)) {
                    if (prev != null) {
                        cidrs.release(prev);
                    }
                    cidrs.occupy(have);
                    owned.put(name, have);
                }
            }
            return Result.done();
        }
        String c;
        synchronized (this) {
            c = owned.get(name);
            if (c == null) {
                c = cidrs.allocateNext();
                if (c == null) {
                    LOG.error(
                            "cannot allocate a pod CIDR for node {}: all {} subnets of {} are in use",
                            name,
                            cidrs.size(),
                            cidrs);
                    recorder.normal(
                            EventRecorder.nodeRef(name, n.getMetadata().getUid()),
                            "CIDRNotAvailable",
                            "Node " + name + " status is now: CIDRNotAvailable");
                    return Result.requeueAfter(EXHAUSTED_RETRY);
                }
                owned.put(name, c);
            }
        }
        String cidr = c;
        try {
            Node written = nodes.guaranteedUpdate(
                            null, name, Preconditions.uid(n.getMetadata().getUid()), cur -> {
                                if (!cur.getSpec().getPodCidr().isEmpty()) {
                                    return cur;
                                }
                                return cur.toBuilder()
                                        .setSpec(cur.getSpec().toBuilder()
                                                .setPodCidr(cidr)
                                                .clearPodCidrs()
                                                .addPodCidrs(cidr))
                                        .build();
                            })
                    .get(30, TimeUnit.SECONDS);
            String got = written.getSpec().getPodCidr();
            if (!got.equals(cidr)) {
                synchronized (this) {
                    cidrs.release(cidr);
                    cidrs.occupy(got);
                    owned.put(name, got);
                }
            } else {
                LOG.info("allocated pod CIDR {} to node {}", cidr, name);
            }
            return Result.done();
        } catch (Exception e) {
            if (io.kubelite.controllers.util.Pods.isGone(e)) {
                return Result.done(); // the delete handler frees it
            }
            LOG.warn("could not write podCIDR {} to node {}: {}", cidr, name, e.getMessage());
            recorder.warning(
                    EventRecorder.nodeRef(name, n.getMetadata().getUid()),
                    "CIDRAssignmentFailed",
                    "Node " + name + " status is now: CIDRAssignmentFailed");
            // keep the CIDR accounted to the node: the retry writes the same one
            throw e;
        }
    }

    /** Subnets in use (tests, metrics). */
    public synchronized int used() {
        return cidrs.used();
    }

    @Override
    public void close() {
        queue.close();
    }
}
