package io.kubelite.controllers.namespace;

import com.google.protobuf.ByteString;
import io.kubelite.api.Secret;
import io.kubelite.api.ServiceAccount;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.controllers.util.Pods;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import io.kubelite.store.serviceaccount.ServiceAccountTokenSigner;
import io.kubelite.store.serviceaccount.TokenClaims;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' tokens controller (serviceaccount-token): a Secret of type
 * {@value #TOKEN_TYPE} annotated {@value #SA_NAME} = an existing account gets the account's uid
 * annotation and {@code data.token} (a legacy JWT signed with
 * {@code --service-account-private-key-file}: no expiry, no audience, naming the account and the
 * Secret), {@code data.namespace} and, with {@code --root-ca-file}, {@code data.ca.crt}. A token
 * Secret whose account is gone (or was recreated: another uid) is deleted, after a quorum read
 * confirms it, as kube does. Nothing is created for an account by itself (kube ≥ 1.24). Without a
 * signing key the controller does nothing (kube's does not start).
 */
public final class ServiceAccountTokenController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokenController.class);
    public static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
    public static final String SA_NAME = "kubernetes.io/service-account.name";
    public static final String SA_UID = "kubernetes.io/service-account.uid";

    private final ObjectStore<ServiceAccount> accounts;
    private final ObjectStore<Secret> secrets;
    private final Informer<Secret> secretInformer;
    private final Informer<ServiceAccount> saInformer;
    private final WorkQueue<String> queue;
    private final ServiceAccountTokenSigner signer;
    private final ByteString caCert;

    /** {@code signer}: null when no key was given; {@code caCert}: empty when no root CA was given. */
    public ServiceAccountTokenController(ControllerContext ctx, ServiceAccountTokenSigner signer, ByteString caCert) {
        this.queue = ctx.newQueue("serviceaccount-token");
        this.signer = signer;
        this.caCert = caCert;
        this.accounts = ctx.store().of(ServiceAccountKind.RESOURCE);
        this.secrets = ctx.store().of(SecretKind.RESOURCE);
        this.saInformer = ctx.informers().get(ServiceAccountKind.RESOURCE);
        this.secretInformer = ctx.informers().get(SecretKind.RESOURCE);
        secretInformer.addHandler(ResourceEventHandler.onAnyChange(s -> {
            if (TOKEN_TYPE.equals(s.getType())) {
                queue.add(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
            }
        }));
        saInformer.addHandler(ResourceEventHandler.onAnyChange(a -> {
            for (Secret s : secretInformer.byNamespace(a.getMetadata().getNamespace())) {
                if (TOKEN_TYPE.equals(s.getType())
                        && a.getMetadata()
                                .getName()
                                .equals(s.getMetadata().getAnnotationsMap().get(SA_NAME))) {
                    queue.add(s.getMetadata().getNamespace() + "/"
                            + s.getMetadata().getName());
                }
            }
        }));
    }

    @Override
    public String name() {
        return "serviceaccount-token";
    }

    @Override
    public void start() {
        if (signer == null) {
            LOG.warn("no --service-account-private-key-file: token Secrets are not filled");
            return;
        }
        queue.start(2, this::sync);
    }

    private Result sync(String key) throws Exception {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        Secret s = secretInformer.get(ns, name).orElse(null);
        if (s == null || !TOKEN_TYPE.equals(s.getType()) || s.getMetadata().hasDeletionTimestamp()) {
            return Result.done();
        }
        String account = s.getMetadata().getAnnotationsMap().getOrDefault(SA_NAME, "");
        if (account.isEmpty()) {
            return Result.done(); // the API server's validation requires it; nothing to fill
        }
        ServiceAccount sa = saInformer.get(ns, account).orElse(null);
        if (sa == null) {
            // the cache may lag a create: ask etcd before deleting anything
            try {
                sa = accounts.get(ns, account).get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (!(StoreException.unwrap(e) instanceof NotFoundException)) {
                    throw e;
                }
            }
        }
        String wantedUid = s.getMetadata().getAnnotationsMap().getOrDefault(SA_UID, "");
        if (sa == null
                || (!wantedUid.isEmpty() && !wantedUid.equals(sa.getMetadata().getUid()))) {
            delete(
                    s,
                    sa == null
                            ? "its ServiceAccount " + account + " does not exist"
                            : "its ServiceAccount was recreated");
            return Result.done();
        }
        String uid = sa.getMetadata().getUid();
        if (filled(s, uid)) {
            return Result.done();
        }
        String token = signer.legacy(ns, new TokenClaims.Ref(account, uid), name);
        secrets.guaranteedUpdate(ns, name, Preconditions.uid(s.getMetadata().getUid()), cur -> {
                    if (filled(cur, uid)) {
                        return cur;
                    }
                    Secret.Builder b = cur.toBuilder();
                    b.getMetadataBuilder().putAnnotations(SA_UID, uid);
                    if (cur.getDataMap().getOrDefault("token", ByteString.EMPTY).isEmpty()) {
                        b.putData("token", ByteString.copyFrom(token, StandardCharsets.UTF_8));
                    }
                    b.putData("namespace", ByteString.copyFrom(ns, StandardCharsets.UTF_8));
                    if (!caCert.isEmpty()) {
                        b.putData("ca.crt", caCert);
                    }
                    return b.build();
                })
                .get(15, TimeUnit.SECONDS);
        LOG.info("filled token secret {}/{} for ServiceAccount {}", ns, name, account);
        return Result.done();
    }

    private boolean filled(Secret s, String uid) {
        return uid.equals(s.getMetadata().getAnnotationsMap().get(SA_UID))
                && !s.getDataMap().getOrDefault("token", ByteString.EMPTY).isEmpty()
                && s.getDataMap().containsKey("namespace")
                && (caCert.isEmpty() || caCert.equals(s.getDataMap().get("ca.crt")));
    }

    private void delete(Secret s, String why) {
        try {
            secrets.delete(
                            s.getMetadata().getNamespace(),
                            s.getMetadata().getName(),
                            Preconditions.uid(s.getMetadata().getUid()))
                    .get(15, TimeUnit.SECONDS);
            LOG.info(
                    "deleted token secret {}/{}: {}",
                    s.getMetadata().getNamespace(),
                    s.getMetadata().getName(),
                    why);
        } catch (Exception e) {
            if (!Pods.isGone(e)) {
                LOG.warn("could not delete token secret {}: {}", s.getMetadata().getName(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
