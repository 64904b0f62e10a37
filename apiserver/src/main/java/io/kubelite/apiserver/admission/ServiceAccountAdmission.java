package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.ServiceAccount;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountTokenVolume;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kube's ServiceAccount plugin (plugin name {@code ServiceAccount}): a new pod without
 * {@code serviceAccountName} gets {@code default}, and its service account must exist, or the
 * pod is refused with kube's {@code error looking up service account <ns>/<name>: serviceaccount
 * "<name>" not found}. The account is looked up in the watch cache, then in etcd; the
 * {@code default} account, which the controller-manager's {@code serviceaccount-token}
 * controller creates in every namespace shortly after the namespace, is looked up up to 10 times
 * 100–200 ms apart (kube's numbers), on Vert.x timers. Mirror pods are left alone.
 *
 * <p>Then, as kube's plugin does, the projected {@code kube-api-access-<random>} token volume and
 * its read-only mounts at {@code /var/run/secrets/kubernetes.io/serviceaccount} are added unless
 * the pod's (else the account's) {@code automountServiceAccountToken} is false: {@link
 * ServiceAccountTokenVolume#mount}, which the controller-manager shares for the pods it writes.
 */
public final class ServiceAccountAdmission implements MutatingAdmission {
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    private static final int DEFAULT_ACCOUNT_ATTEMPTS = 10;

    private final HandlerContext ctx;

    public ServiceAccountAdmission(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "ServiceAccount";
    }

    @Override
    public boolean handles(Attributes a) {
        return a.operation() == Operation.CREATE && a.isMain(PodKind.RESOURCE);
    }

    @Override
    public CompletableFuture<Message> admit(Attributes a) {
        Pod pod = (Pod) a.object();
        if (pod.getMetadata().containsAnnotations(MIRROR_ANNOTATION)) {
            return CompletableFuture.completedFuture(pod);
        }
        Pod defaulted = pod.toBuilder()
                .setSpec(PodSpecDefaults.serviceAccount(pod.getSpec()))
                .build();
        String account = defaulted.getSpec().getServiceAccountName();
        int attempts = account.equals("default") ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
        return lookup(a.namespace(), account, attempts).thenApply(sa -> {
            if (sa == null) {
                throw NamespaceLifecycle.forbidden(
                        a,
                        "error looking up service account " + a.namespace() + "/" + account + ": serviceaccount \""
                                + account + "\" not found",
                        List.of());
            }
            return mountToken(defaulted, sa);
        });
    }

    /**
     * The projected {@code kube-api-access-<random>} volume (service account token, the cluster
     * CA, the namespace) and its mounts, added to a pod whose account allows automounting.
     */
    Pod mountToken(Pod pod, ServiceAccount account) {
        return ServiceAccountTokenVolume.mount(pod, account);
    }

    /** The account, or null when it does not exist after {@code attempts} looks. */
    private CompletableFuture<ServiceAccount> lookup(String ns, String name, int attempts) {
        WatchCache<ServiceAccount> cache = ctx.cache(ServiceAccountKind.RESOURCE);
        WatchCache.Entry<ServiceAccount> e = cache.hasSynced() ? cache.get(ns, name) : null;
        if (e != null) {
            return CompletableFuture.completedFuture(e.object());
        }
        return live(ns, name, attempts);
    }

    private CompletableFuture<ServiceAccount> live(String ns, String name, int attemptsLeft) {
        return ctx.store()
                .of(ServiceAccountKind.RESOURCE)
                .get(ns, name)
                .handle((sa, err) -> {
                    if (err == null) {
                        return CompletableFuture.completedFuture(sa);
                    }
                    if (!(StoreException.unwrap(err) instanceof NotFoundException)) {
                        throw ApiException.from(err, ServiceAccountKind.RESOURCE, name);
                    }
                    if (attemptsLeft <= 1) {
                        return CompletableFuture.<ServiceAccount>completedFuture(null);
                    }
                    CompletableFuture<ServiceAccount> next = new CompletableFuture<>();
                    long delay = 100 + ThreadLocalRandom.current().nextLong(100);
                    ctx.vertx()
                            .setTimer(
                                    delay,
                                    t -> live(ns, name, attemptsLeft - 1).whenComplete((v, x) -> {
                                        if (x != null) {
                                            next.completeExceptionally(x);
                                        } else {
                                            next.complete(v);
                                        }
                                    }));
                    return next;
                })
                .thenCompose(f -> f);
    }
}
