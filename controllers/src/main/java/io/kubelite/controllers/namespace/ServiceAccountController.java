package io.kubelite.controllers.namespace;

import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ServiceAccount;
import io.kubelite.controllers.Controller;
import io.kubelite.controllers.ControllerContext;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.StoreException;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.queue.Result;
import io.kubelite.store.queue.WorkQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' serviceaccounts controller: every active namespace has a ServiceAccount
 * {@code default} (made again when deleted). No token Secret comes with it (kube ≥ 1.24): pods get
 * projected tokens, clients ask TokenRequest.
 */
public final class ServiceAccountController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountController.class);

    private final ObjectStore<ServiceAccount> accounts;
    private final Informer<Namespace> nsInformer;
    private final Informer<ServiceAccount> saInformer;
    private final WorkQueue<String> queue;

    public ServiceAccountController(ControllerContext ctx) {
        this.queue = ctx.newQueue("serviceaccount");
        this.accounts = ctx.store().of(ServiceAccountKind.RESOURCE);
        this.nsInformer = ctx.informers().get(NamespaceKind.RESOURCE);
        this.saInformer = ctx.informers().get(ServiceAccountKind.RESOURCE);
        nsInformer.addHandler(
                ResourceEventHandler.onAnyChange(n -> queue.add(n.getMetadata().getName())));
        saInformer.addHandler(new ResourceEventHandler<>() {
            @Override
            public void onDelete(ServiceAccount a) {
                queue.add(a.getMetadata().getNamespace());
            }
        });
    }

    @Override
    public String name() {
        return "serviceaccount";
    }

    @Override
    public void start() {
        queue.start(2, this::sync);
    }

    private Result sync(String ns) throws Exception {
        Namespace n = nsInformer.get(null, ns).orElse(null);
        if (n == null
                || n.getMetadata().hasDeletionTimestamp()
                || n.getStatus().getPhase().equals("Terminating")
                || saInformer.get(ns, "default").isPresent()) {
            return Result.done();
        }
        try {
            accounts.create(ServiceAccount.newBuilder()
                            .setMetadata(
                                    ObjectMeta.newBuilder().setNamespace(ns).setName("default"))
                            .build())
                    .get(15, TimeUnit.SECONDS);
            LOG.info("created ServiceAccount {}/default", ns);
        } catch (Exception e) {
            if (!(StoreException.unwrap(e) instanceof AlreadyExistsException)) {
                throw e;
            }
        }
        return Result.done();
    }

    @Override
    public void close() {
        queue.close();
    }
}
