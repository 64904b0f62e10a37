package io.kubelite.controllers.util;

import io.kubelite.api.LimitRange;
import io.kubelite.api.Namespace;
import io.kubelite.api.Pod;
import io.kubelite.api.QosClass;
import io.kubelite.api.ResourceQuota;
import io.kubelite.api.ServiceAccount;
import io.kubelite.kinds.core.limitrange.LimitRangeKind;
import io.kubelite.kinds.core.limitrange.LimitRanges;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.resourcequota.QuotaRefusal;
import io.kubelite.kinds.core.resourcequota.ResourceQuotaKind;
import io.kubelite.kinds.core.resourcequota.Usage;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountTokenVolume;
import io.kubelite.kinds.podsecurity.PodSecurityEnforcement;
import io.kubelite.store.NameGenerator;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.quota.QuotaAccountant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The admission a pod goes through when a controller writes it straight to etcd, as the API
 * server's would, in kube's plugin order: a name from its generateName, the ServiceAccount
 * plugin's {@code kube-api-access-*} token volume ({@link ServiceAccountTokenVolume}), LimitRanger's
 * defaults and bounds from the namespace's LimitRanges, the namespace's Pod Security enforce level
 * ({@link PodSecurityEnforcement}), then the ResourceQuota charge ({@link QuotaAccountant}) where the
 * informer shows quotas, and only then the create. Namespaces, accounts, ranges and quotas are the
 * informers' (an account not seen yet counts as one that automounts, as kube's plugin treats an
 * unset field). A refusal fails the
 * create with a {@link Refused} carrying kube's {@code pods "web-7d9c5-" is forbidden: exceeded
 * quota: ...}, which the controller's FailedCreate event quotes; any other failure is the store's.
 * Used by every controller that creates pods (ReplicaSet, Job, StatefulSet, DaemonSet).
 */
public final class PodAdmission {
    private final ObjectStore<Pod> pods;
    private final Informer<LimitRange> limitRanges;
    private final Informer<ResourceQuota> quotaCache;
    private final QuotaAccountant quotas;
    private final Informer<Namespace> namespaces;
    private final Informer<ServiceAccount> accounts;

    public PodAdmission(Store store, SharedInformerFactory informers) {
        this.namespaces = informers.get(NamespaceKind.RESOURCE);
        this.accounts = informers.get(ServiceAccountKind.RESOURCE);
        this.pods = store.of(PodKind.RESOURCE);
        this.limitRanges = informers.get(LimitRangeKind.RESOURCE);
        this.quotaCache = informers.get(ResourceQuotaKind.RESOURCE);
        this.quotas = new QuotaAccountant(store);
    }

    /** A pod the admission refused; its message is kube's Forbidden message. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Admits and creates {@code pod}; completes with the stored pod. */
    public CompletableFuture<Pod> create(Pod pod) {
        Pod.Builder b = pod.toBuilder();
        if (b.getMetadata().getName().isEmpty()
                && !b.getMetadata().getGenerateName().isEmpty()) {
            b.getMetadataBuilder()
                    .setName(NameGenerator.generate(b.getMetadata().getGenerateName()));
        }
        String ns = b.getMetadata().getNamespace();
        // kube's admission names the pod before its name is generated: the generateName, if any
        String name = pod.getMetadata().getName().isEmpty()
                ? pod.getMetadata().getGenerateName()
                : pod.getMetadata().getName();
        List<LimitRange> ranges = limitRanges.byNamespace(ns).stream()
                .sorted(Comparator.comparing((LimitRange l) -> l.getMetadata().getName()))
                .toList();
        String account = b.getSpec().getServiceAccountName().isEmpty()
                ? "default"
                : b.getSpec().getServiceAccountName();
        Pod withToken = ServiceAccountTokenVolume.mount(
                b.build(), accounts.get(ns, account).orElse(null));
        Pod defaulted = LimitRanges.defaults(withToken, ranges);
        Pod admitted = defaulted.toBuilder()
                .setStatus(defaulted.getStatus().toBuilder().setQosClass(QosClass.of(defaulted.getSpec())))
                .build();
        List<String> violations = LimitRanges.violations(admitted, ranges);
        if (!violations.isEmpty()) {
            return CompletableFuture.failedFuture(refused(name, violations));
        }
        Optional<String> insecure = PodSecurityEnforcement.refusal(
                namespaces.get("", ns).map(n -> n.getMetadata().getLabelsMap()).orElse(Map.of()), admitted);
        if (insecure.isPresent()) {
            return CompletableFuture.failedFuture(refused(name, List.of(insecure.get())));
        }
        if (quotaCache.byNamespace(ns).isEmpty()) {
            // no quota here as far as the informer knows: no etcd read per pod (kube's informer alike)
            return pods.create(admitted);
        }
        return quotas.charge(ns, PodKind.RESOURCE, admitted, Usage.of(PodKind.RESOURCE, admitted))
                .exceptionallyCompose(err -> {
                    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    return CompletableFuture.failedFuture(
                            c instanceof QuotaRefusal r ? refused(name, List.of(r.getMessage())) : c);
                })
                .thenCompose(v -> pods.create(admitted));
    }

    private static Refused refused(String name, List<String> reasons) {
        String why = reasons.size() == 1 ? reasons.get(0) : "[" + String.join(", ", reasons) + "]";
        return new Refused("pods \"" + name + "\" is forbidden: " + why);
    }
}
