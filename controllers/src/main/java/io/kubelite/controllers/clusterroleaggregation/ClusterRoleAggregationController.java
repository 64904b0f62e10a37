package io.kubelite.controllers.clusterroleaggregation;

import io.kubelite.api.ClusterRole;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.labels.Selector;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's ClusterRoleAggregationController: the rules of every ClusterRole with an
 * {@code aggregationRule} are the union, in name order and without duplicates, of the rules of
 * the other ClusterRoles any of its selectors match ({@code admin}, {@code edit} and {@code view}
 * are built this way from the {@code rbac.authorization.k8s.io/aggregate-to-*} labels). Any
 * ClusterRole change queues every aggregated role; a sync writes only when the union changed.
 */
public final class ClusterRoleAggregationController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoleAggregationController.class);

    private final ObjectStore<ClusterRole> roles;
    private final Informer<ClusterRole> informer;
    private final WorkQueue<String> queue;

    public ClusterRoleAggregationController(ControllerContext ctx) {
        this.roles = ctx.store().of(ClusterRoleKind.RESOURCE);
        this.informer = ctx.informers().get(ClusterRoleKind.RESOURCE);
        this.queue = ctx.newQueue("ClusterRoleAggregator");
        informer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ClusterRole r) {
                enqueueAggregated();
            }

            @Override
            public void onUpdate(ClusterRole old, ClusterRole r) {
                enqueueAggregated();
            }

            @Override
            public void onDelete(ClusterRole r) {
                enqueueAggregated();
            }
        });
    }

    private void enqueueAggregated() {
        for (ClusterRole r : informer.list()) {
            if (r.hasAggregationRule()) {
                queue.add(r.getMetadata().getName());
            }
        }
    }

    @Override
    public String name() {
        return "clusterrole-aggregation";
    }

    @Override
    public void start() {
        queue.start(1, this::sync);
    }

    @Override
    public void close() {
        queue.close();
    }

    private Result sync(String name) throws Exception {
        ClusterRole cached = informer.get("", name).orElse(null);
        if (cached == null || !cached.hasAggregationRule()) {
            return Result.done();
        }
        List<PolicyRule> want = union(cached, informer.list());
        if (want.equals(cached.getRulesList())) {
            return Result.done();
        }
        try {
            roles.guaranteedUpdate(
                            "",
                            name,
                            cur -> cur.hasAggregationRule()
                                    ? cur.toBuilder()
                                            .clearRules()
                                            .addAllRules(want)
                                            .build()
                                    : cur)
                    .get(10, TimeUnit.SECONDS);
            LOG.info("ClusterRole {}: aggregated {} rules", name, want.size());
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                throw e;
            }
        }
        return Result.done();
    }

    /** The rules {@code role}'s selectors gather from {@code all}, as kube's controller orders them. */
    static List<PolicyRule> union(ClusterRole role, List<ClusterRole> all) {
        List<ClusterRole> byName = new ArrayList<>(all);
        byName.sort(Comparator.comparing(r -> r.getMetadata().getName()));
        List<PolicyRule> out = new ArrayList<>();
        for (LabelSelector s : role.getAggregationRule().getClusterRoleSelectorsList()) {
            Selector selector = Selector.of(s);
            for (ClusterRole r : byName) {
                if (r.getMetadata().getName().equals(role.getMetadata().getName())
                        || !selector.matches(r.getMetadata().getLabelsMap())) {
                    continue;
                }
                for (PolicyRule rule : r.getRulesList()) {
                    if (!out.contains(rule)) {
                        out.add(rule);
                    }
                }
            }
        }
        return out;
    }
}
