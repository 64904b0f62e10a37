package io.kubelite.store.election;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.store.AlreadyExistsException;
import io.kubelite.store.CorruptException;
import io.kubelite.store.Etcd;
import io.kubelite.store.NotFoundException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes the leader of election {@code N} as the Kubernetes object
 * {@code coordination.k8s.io/v1 Lease kube-system/N}, written fenced through the typed
 * store, for humans ({@code kl get lease -n kube-system}). The election never reads it.
 *
 * <p>acquireTime and leaseTransitions change when a new term starts; a term is
 * recognised by the annotation {@value #TOKEN_ANNOTATION} holding the fencing token.
 * renewTime is refreshed on every call. A stored value that does not decode is replaced.
 */
public final class LeaseObjectPublisher implements LeaderRecordPublisher {
    static final String NAMESPACE = "kube-system";
    static final String TOKEN_ANNOTATION = "kubelite.io/leader-token";
    private static final int ATTEMPTS = 3;

    private final ObjectStore<Lease> leases;
    private final String name;
    private final Clock clock;

    public LeaseObjectPublisher(Etcd etcd, String electionName) {
        this(etcd, electionName, Clock.systemUTC());
    }

    LeaseObjectPublisher(Etcd etcd, String electionName, Clock clock) {
        this.leases = new Store(etcd).of(LeaseKind.RESOURCE);
        this.name = electionName;
        this.clock = clock;
    }

    /** The etcd key of the Lease object. */
    public String key() {
        return leases.key(NAMESPACE, name);
    }

    @Override
    public CompletableFuture<Void> publish(Leadership leadership, String identity, Duration leaseDuration) {
        return attempt(leases.withFence(leadership.fence()), leadership, identity, leaseDuration, 1);
    }

    private CompletableFuture<Void> attempt(
            ObjectStore<Lease> fenced, Leadership l, String identity, Duration leaseDuration, int attempt) {
        return fenced.guaranteedUpdate(NAMESPACE, name, cur -> next(cur, l, identity, leaseDuration))
                .<Void>thenApply(x -> null)
                .exceptionallyCompose(err -> {
                    StoreException se = StoreException.unwrap(err);
                    if (attempt >= ATTEMPTS) {
                        return CompletableFuture.failedFuture(err);
                    }
                    if (se instanceof NotFoundException || se instanceof AlreadyExistsException) {
                        return fenced.create(next(null, l, identity, leaseDuration))
                                .<Void>thenApply(x -> null)
                                .exceptionallyCompose(e2 -> StoreException.unwrap(e2) instanceof AlreadyExistsException
                                        ? attempt(fenced, l, identity, leaseDuration, attempt + 1)
                                        : CompletableFuture.failedFuture(e2));
                    }
                    if (se instanceof CorruptException) {
                        return fenced.delete(NAMESPACE, name)
                                .thenCompose(d -> attempt(fenced, l, identity, leaseDuration, attempt + 1));
                    }
                    return CompletableFuture.failedFuture(err);
                });
    }

    /** The Lease to write, given the stored one (null if none). */
    Lease next(Lease old, Leadership l, String identity, Duration leaseDuration) {
        Instant now = clock.instant();
        Timestamp nowTs = micros(now);
        String token = Long.toString(l.token());
        ObjectMeta.Builder meta = old == null
                ? ObjectMeta.newBuilder().setName(name).setNamespace(NAMESPACE)
                : old.getMetadata().toBuilder();
        LeaseSpec oldSpec = old == null ? LeaseSpec.getDefaultInstance() : old.getSpec();
        boolean newTerm = !token.equals(meta.getAnnotationsMap().get(TOKEN_ANNOTATION));
        boolean holderChanged = oldSpec.hasHolderIdentity()
                && !oldSpec.getHolderIdentity().isEmpty()
                && !oldSpec.getHolderIdentity().equals(identity);
        LeaseSpec.Builder spec = oldSpec.toBuilder()
                .setHolderIdentity(identity)
                .setLeaseDurationSeconds((int) Math.max(1, (leaseDuration.toMillis() + 999) / 1000))
                .setRenewTime(nowTs);
        if (newTerm || !oldSpec.hasAcquireTime()) {
            spec.setAcquireTime(nowTs);
        }
        spec.setLeaseTransitions(oldSpec.getLeaseTransitions() + (holderChanged ? 1 : 0));
        meta.putAnnotations(TOKEN_ANNOTATION, token);
        Lease.Builder b = old == null ? Lease.newBuilder() : old.toBuilder();
        return b.setMetadata(meta).setSpec(spec).build();
    }

    private static Timestamp micros(Instant t) {
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano() / 1000 * 1000)
                .build();
    }
}
