package io.kubelite.apiserver.authorization;

import io.kubelite.api.ClusterRole;
import io.kubelite.api.ClusterRoleBinding;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.PolicyRule;
import io.kubelite.api.Subject;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import io.kubelite.kinds.rbac.clusterrolebinding.ClusterRoleBindingKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's RBAC post-start hook: every {@link BootstrapPolicy} ClusterRole and
 * ClusterRoleBinding is created when missing, and one that exists is reconciled unless its
 * {@code rbac.authorization.kubernetes.io/autoupdate} annotation is {@code "false"}: missing
 * labels and annotations, rules (or aggregation selectors) and subjects are added; nothing is
 * removed, as kube's reconciliation does not remove. Any replica may run it at start; writes are
 * revision-checked, so two replicas converge.
 */
public final class PolicyReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyReconciler.class);

    private PolicyReconciler() {}

    /** Completes (never exceptionally) when every bootstrap object is in place or could not be. */
    public static CompletableFuture<Void> reconcile(Store store) {
        ObjectStore<ClusterRole> roles = store.of(ClusterRoleKind.RESOURCE);
        ObjectStore<ClusterRoleBinding> bindings = store.of(ClusterRoleBindingKind.RESOURCE);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (ClusterRole r : BootstrapPolicy.clusterRoles()) {
            writes.add(ensure(roles, r, cur -> reconciled(cur, r)));
        }
        for (ClusterRoleBinding b : BootstrapPolicy.clusterRoleBindings()) {
            writes.add(ensure(bindings, b, cur -> reconciled(cur, b)));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private static <T extends com.google.protobuf.Message> CompletableFuture<Void> ensure(
            ObjectStore<T> store, T want, UnaryOperator<T> reconcile) {
        String name = store.resource().meta(want).getName();
        String what = store.resource().kind() + " " + name;
        return store.create(want)
                .thenAccept(created -> LOG.info("created bootstrap {}", what))
                .exceptionallyCompose(err -> {
                    if (!(StoreException.unwrap(err) instanceof AlreadyExistsException)) {
                        return CompletableFuture.failedFuture(err);
                    }
                    return store.guaranteedUpdate("", name, reconcile).thenAccept(v -> {});
                })
                .handle((v, err) -> {
                    if (err != null) {
                        LOG.warn("could not reconcile bootstrap {}: {}", what, err.getMessage());
                    }
                    return null;
                });
    }

    private static boolean autoupdate(ObjectMeta m) {
        return !"false".equals(m.getAnnotationsMap().get(ClusterRoleKind.AUTOUPDATE_ANNOTATION));
    }

    static ClusterRole reconciled(ClusterRole cur, ClusterRole want) {
        if (!autoupdate(cur.getMetadata())) {
            return cur;
        }
        ClusterRole.Builder b = cur.toBuilder().setMetadata(withMissingMetadata(cur.getMetadata(), want.getMetadata()));
        if (want.hasAggregationRule()) {
            var selectors = new ArrayList<>(cur.getAggregationRule().getClusterRoleSelectorsList());
            for (var s : want.getAggregationRule().getClusterRoleSelectorsList()) {
                if (!selectors.contains(s)) {
                    selectors.add(s);
                }
            }
            b.setAggregationRule(cur.getAggregationRule().toBuilder()
                    .clearClusterRoleSelectors()
                    .addAllClusterRoleSelectors(selectors));
        } else {
            for (PolicyRule missing : RuleCoverage.uncovered(cur.getRulesList(), want.getRulesList())) {
                b.addRules(missing);
            }
        }
        ClusterRole out = b.build();
        if (!out.equals(cur)) {
            LOG.info("reconciled bootstrap ClusterRole {}", cur.getMetadata().getName());
        }
        return out;
    }

    static ClusterRoleBinding reconciled(ClusterRoleBinding cur, ClusterRoleBinding want) {
        if (!autoupdate(cur.getMetadata())) {
            return cur;
        }
        if (!cur.getRoleRef().equals(want.getRoleRef())) {
            LOG.warn(
                    "bootstrap ClusterRoleBinding {} refers to {} {}, not {}: left as it is (roleRef is immutable)",
                    cur.getMetadata().getName(),
                    cur.getRoleRef().getKind(),
                    cur.getRoleRef().getName(),
                    want.getRoleRef().getName());
            return cur;
        }
        ClusterRoleBinding.Builder b =
                cur.toBuilder().setMetadata(withMissingMetadata(cur.getMetadata(), want.getMetadata()));
        for (Subject s : want.getSubjectsList()) {
            if (!cur.getSubjectsList().contains(s)) {
                b.addSubjects(s);
            }
        }
        ClusterRoleBinding out = b.build();
        if (!out.equals(cur)) {
            LOG.info(
                    "reconciled bootstrap ClusterRoleBinding {}",
                    cur.getMetadata().getName());
        }
        return out;
    }

    private static ObjectMeta withMissingMetadata(ObjectMeta cur, ObjectMeta want) {
        ObjectMeta.Builder b = cur.toBuilder();
        want.getLabelsMap().forEach((k, v) -> {
            if (!cur.getLabelsMap().containsKey(k)) {
                b.putLabels(k, v);
            }
        });
        want.getAnnotationsMap().forEach((k, v) -> {
            if (!cur.getAnnotationsMap().containsKey(k)) {
                b.putAnnotations(k, v);
            }
        });
        return b.build();
    }
}
