package io.kubelite.kinds;

import com.google.protobuf.Message;
import io.kubelite.kinds.apiextensions.customresourcedefinition.CustomResourceDefinitionKind;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.apps.controllerrevision.ControllerRevisionKind;
import io.kubelite.kinds.apps.daemonset.DaemonSetKind;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.apps.statefulset.StatefulSetKind;
import io.kubelite.kinds.authentication.selfsubjectreview.SelfSubjectReviewKind;
import io.kubelite.kinds.authentication.tokenreview.TokenReviewKind;
import io.kubelite.kinds.authorization.localsubjectaccessreview.LocalSubjectAccessReviewKind;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.authorization.selfsubjectrulesreview.SelfSubjectRulesReviewKind;
import io.kubelite.kinds.authorization.subjectaccessreview.SubjectAccessReviewKind;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerKind;
import io.kubelite.kinds.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerV1Kind;
import io.kubelite.kinds.batch.cronjob.CronJobKind;
import io.kubelite.kinds.batch.cronjob.CronJobV1beta1Kind;
import io.kubelite.kinds.batch.job.JobKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.event.EventKind;
import io.kubelite.kinds.core.limitrange.LimitRangeKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.persistentvolume.PersistentVolumeKind;
import io.kubelite.kinds.core.persistentvolumeclaim.PersistentVolumeClaimKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.kinds.events.event.EventsEventKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import io.kubelite.kinds.rbac.clusterrole.ClusterRoleKind;
import io.kubelite.kinds.rbac.clusterrolebinding.ClusterRoleBindingKind;
import io.kubelite.kinds.rbac.role.RoleKind;
import io.kubelite.kinds.rbac.rolebinding.RoleBindingKind;
import io.kubelite.kinds.storage.storageclass.StorageClassKind;
import java.util.List;
import java.util.Optional;

/**
 * The registry of the kinds kubelite serves: the one place that lists them. Discovery,
 * the API server's routes and watch caches, the codec, {@code kl} and the tests find
 * kinds here. Adding a kind: its proto message, one package beside the others with its
 * {@code XKind} (descriptor, strategy, columns), and one line below. A further version of a kind
 * is a kind of its own here, stored as the storage version's objects ({@link Kind.Builder#storedAs}),
 * registered after it; whether it is served by default follows from its name ({@link ApiVersions}).
 */
public final class Kinds {
    private static final List<Kind<? extends Message>> ALL = List.of(
            PodKind.KIND,
            NodeKind.KIND,
            NamespaceKind.KIND,
            ServiceKind.KIND,
            EndpointsKind.KIND,
            ServiceAccountKind.KIND,
            SecretKind.KIND,
            ConfigMapKind.KIND,
            PersistentVolumeKind.KIND,
            PersistentVolumeClaimKind.KIND,
            EventKind.KIND,
            LimitRangeKind.KIND,
            ResourceQuotaKind.KIND,
            ReplicaSetKind.KIND,
            DeploymentKind.KIND,
            StatefulSetKind.KIND,
            ControllerRevisionKind.KIND,
            EventsEventKind.KIND,
            SelfSubjectReviewKind.KIND,
            TokenReviewKind.KIND,
            SelfSubjectAccessReviewKind.KIND,
            SelfSubjectRulesReviewKind.KIND,
            SubjectAccessReviewKind.KIND,
            LocalSubjectAccessReviewKind.KIND,
            LeaseKind.KIND,
            EndpointSliceKind.KIND,
            PodDisruptionBudgetKind.KIND,
            ClusterRoleBindingKind.KIND,
            ClusterRoleKind.KIND,
            RoleBindingKind.KIND,
            RoleKind.KIND,
            JobKind.KIND,
            CronJobKind.KIND,
            CronJobV1beta1Kind.KIND,
            DaemonSetKind.KIND,
            HorizontalPodAutoscalerKind.KIND,
            HorizontalPodAutoscalerV1Kind.KIND,
            StorageClassKind.KIND,
            CustomResourceDefinitionKind.KIND,
            APIServiceKind.KIND);

    private Kinds() {}

    /** Every kind, in discovery order. */
    public static List<Kind<? extends Message>> all() {
        return ALL;
    }

    /** Every served kind's resource descriptor, in discovery order (also those not stored, see {@link Storage}). */
    public static List<Resource<? extends Message>> resources() {
        return ALL.stream().<Resource<? extends Message>>map(Kind::resource).toList();
    }

    /**
     * The resources with etcd keys of their own ({@link Kind#persisted()}): what has a watch
     * cache, what a namespace's deletion or a garbage collector walks, what export moves.
     * Views of another kind's storage and create-only kinds are not among them.
     */
    public static List<Resource<? extends Message>> stored() {
        return ALL.stream()
                .filter(Kind::persisted)
                .<Resource<? extends Message>>map(Kind::resource)
                .toList();
    }

    /** The kind of a resource descriptor: a registered one, or the custom kind built on it. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> Kind<T> of(Resource<T> r) {
        Kind<T> bound = r.boundKind(); // a custom resource's kind is built at run time, from its CRD
        if (bound != null) {
            return bound;
        }
        for (Kind<? extends Message> k : ALL) {
            if (k.resource() == r) {
                return (Kind<T>) k;
            }
        }
        throw new IllegalArgumentException("not a registered resource: " + r);
    }

    /**
     * Looks a resource up by plural name ({@code pods}), kind ({@code Pod}, any case) or short
     * name ({@code po}); the first registered wins ({@code events} is the core group's, as kubectl resolves it).
     */
    public static Optional<Resource<? extends Message>> find(String name) {
        for (Kind<? extends Message> k : ALL) {
            Resource<? extends Message> r = k.resource();
            if (r.plural().equals(name)
                    || r.kind().equalsIgnoreCase(name)
                    || r.shortNames().contains(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The resource of {@code apiVersion} and {@code kind}, as a manifest or an etcd envelope names it. */
    public static Optional<Resource<? extends Message>> byKind(String apiVersion, String kind) {
        for (Kind<? extends Message> k : ALL) {
            Resource<? extends Message> r = k.resource();
            if (r.kind().equals(kind) && r.apiVersion().equals(apiVersion)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
