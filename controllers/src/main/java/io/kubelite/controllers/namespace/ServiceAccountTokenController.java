package io.kubelite.controllers.namespace;

import com.google.protobuf.ByteString;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.Secret;
import io.kubelite.api.ServiceAccount;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every active namespace gets a ServiceAccount {@code default} (Kubernetes'
 * serviceaccounts controller) and a token Secret for it (the legacy tokens controller):
 * type {@code kubernetes.io/service-account-token}, named {@code default-token-xxxxx},
 * annotated with the account's name and uid, holding a random 256-bit {@code token}
 * (base64url) and the {@code namespace}, and listed in the account's {@code secrets}.
 * Token secrets of an account that was deleted (uid mismatch) are deleted. Before
 * creating a token the secrets are listed from etcd (quorum read), so neither watch lag
 * nor a failover creates a second one.
 */
public final class ServiceAccountTokenController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokenController.class);
    public static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
    public static final String SA_NAME = "kubernetes.io/service-account.name";
    public static final String SA_UID = "kubernetes.io/service-account.uid";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore<ServiceAccount> accounts;
    private final ObjectStore<Secret> secrets;
    private final Informer<Namespace> nsInformer;
    private final Informer<ServiceAccount> saInformer;
    private final WorkQueue<String> queue;

    public ServiceAccountTokenController(ControllerContext ctx) {
        this.queue = ctx.newQueue("serviceaccount-token");
        this.accounts = ctx.store().of(ServiceAccountKind.RESOURCE);
        this.secrets = ctx.store().of(SecretKind.RESOURCE);
        this.nsInformer = ctx.informers().get(NamespaceKind.RESOURCE);
        this.saInformer = ctx.informers().get(ServiceAccountKind.RESOURCE);
        Informer<Secret> secretInformer = ctx.informers().get(SecretKind.RESOURCE);
        nsInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace n) {
                queue.add(n.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace o, Namespace n) {
                queue.add(n.getMetadata().getName());
            }
        });
        saInformer.addHandler(
                ResourceEventHandler.onAnyChange(a -> queue.add(a.getMetadata().getNamespace())));
        secretInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onDelete(Secret s) {
                if (s.getType().equals(TOKEN_TYPE)) {
                    queue.add(s.getMetadata().getNamespace());
                }
            }
        });
    }

    @Override
    public String name() {
        return "serviceaccount-token";
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
        ServiceAccount sa = saInformer.get(ns, "default").orElse(null);
        if (sa == null) {
            try {
                sa = accounts.create(ServiceAccount.newBuilder()
                                .setMetadata(
                                        ObjectMeta.newBuilder().setNamespace(ns).setName("default"))
                                .build())
                        .get(15, TimeUnit.SECONDS);
                LOG.info("created ServiceAccount {}/default", ns);
            } catch (Exception e) {
                if (StoreException.unwrap(e) instanceof AlreadyExistsException) {
                    sa = accounts.get(ns, "default").get(15, TimeUnit.SECONDS);
                } else {
                    throw e;
                }
            }
        }
        String saUid = sa.getMetadata().getUid();
        List<Secret> valid = new ArrayList<>();
        for (Secret s : secrets.list(ListOptions.<Secret>inNamespace(ns))
                .get(30, TimeUnit.SECONDS)
                .items()) {
            if (!s.getType().equals(TOKEN_TYPE)
                    || !"default".equals(s.getMetadata().getAnnotationsMap().get(SA_NAME))) {
                continue;
            }
            if (saUid.equals(s.getMetadata().getAnnotationsMap().get(SA_UID))) {
                valid.add(s);
            } else {
                deleteQuietly(s);
                LOG.info(
                        "deleted token secret {}/{} of a previous ServiceAccount default",
                        ns,
                        s.getMetadata().getName());
            }
        }
        Secret token;
        if (valid.isEmpty()) {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            token = secrets.create(Secret.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(ns)
                                    .setGenerateName("default-token-")
                                    .putAnnotations(SA_NAME, "default")
                                    .putAnnotations(SA_UID, saUid))
                            .setType(TOKEN_TYPE)
                            .putData("token", ByteString.copyFrom(value, StandardCharsets.UTF_8))
                            .putData("namespace", ByteString.copyFrom(ns, StandardCharsets.UTF_8))
                            .build())
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "created token secret {}/{} for ServiceAccount default",
                    ns,
                    token.getMetadata().getName());
        } else {
            token = valid.get(0);
        }
        List<String> existing = new ArrayList<>();
        valid.forEach(s -> existing.add(s.getMetadata().getName()));
        existing.add(token.getMetadata().getName());
        String tokenName = token.getMetadata().getName();
        accounts.guaranteedUpdate(ns, "default", Preconditions.uid(saUid), cur -> {
                    List<ObjectReference> refs = new ArrayList<>();
                    boolean has = false;
                    for (ObjectReference r : cur.getSecretsList()) {
                        if (r.getName().equals(tokenName)) {
                            has = true;
                        }
                        if (existing.contains(r.getName()) || !r.getName().startsWith("default-token-")) {
                            refs.add(r);
                        }
                    }
                    if (!has) {
                        refs.add(ObjectReference.newBuilder().setName(tokenName).build());
                    }
                    return cur.toBuilder().clearSecrets().addAllSecrets(refs).build();
                })
                .get(15, TimeUnit.SECONDS);
        return Result.done();
    }

    private void deleteQuietly(Secret s) {
        try {
            secrets.delete(
                            s.getMetadata().getNamespace(),
                            s.getMetadata().getName(),
                            Preconditions.uid(s.getMetadata().getUid()))
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn(
                        "could not delete stale token secret {}: {}",
                        s.getMetadata().getName(),
                        e.toString());
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
