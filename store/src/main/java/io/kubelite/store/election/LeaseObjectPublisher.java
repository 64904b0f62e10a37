package io.kubelite.store.election;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubelite.api.Envelope;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.store.ConflictException;
import io.kubelite.store.Etcd;
import io.kubelite.store.FencedOutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes the leader of election {@code N} as the Kubernetes object
 * {@code coordination.k8s.io/v1 Lease kube-system/N}, written fenced, for humans
 * ({@code kl get lease -n kube-system}). The election never reads it.
 *
 * <p>Stop-gap until the typed store exists: it encodes the etcd key and value itself
 * ({@code <prefix>/leases/kube-system/<N>}; magic {@code "k8l\0"} + {@link Envelope}).
 * acquireTime and leaseTransitions change when a new term starts; a term is recognised
 * by the annotation {@value #TOKEN_ANNOTATION} holding the fencing token. renewTime is
 * refreshed on every call.
 */
public final class LeaseObjectPublisher implements LeaderRecordPublisher {
    private static final Logger log = LoggerFactory.getLogger(LeaseObjectPublisher.class);
    static final byte[] MAGIC = "k8l\0".getBytes(StandardCharsets.US_ASCII);
    static final String API_VERSION = "coordination.k8s.io/v1";
    static final String KIND = "Lease";
    static final String NAMESPACE = "kube-system";
    static final String TOKEN_ANNOTATION = "kubelite.io/leader-token";
    private static final int ATTEMPTS = 3;

    private final Etcd etcd;
    private final String name;
    private final String key;
    private final Clock clock;

    public LeaseObjectPublisher(Etcd etcd, String electionName) {
        this(etcd, electionName, Clock.systemUTC());
    }

    LeaseObjectPublisher(Etcd etcd, String electionName, Clock clock) {
        this.etcd = etcd;
        this.name = electionName;
        this.key = etcd.prefix() + "/leases/" + NAMESPACE + "/" + electionName;
        this.clock = clock;
    }

    /** The etcd key of the Lease object. */
    public String key() {
        return key;
    }

    @Override
    public CompletableFuture<Void> publish(Leadership leadership, String identity, Duration leaseDuration) {
        return attempt(leadership, identity, leaseDuration, 1);
    }

    private CompletableFuture<Void> attempt(Leadership l, String identity, Duration leaseDuration, int attempt) {
        ByteSequence k = Etcd.bytes(key);
        return etcd.call(key, () -> etcd.client().getKVClient().get(k)).thenCompose(current -> {
            KeyValue kv = current.getKvs().isEmpty() ? null : current.getKvs().get(0);
            Lease next = next(kv == null ? null : decode(kv.getValue().getBytes()), l, identity, leaseDuration);
            List<Cmp> cmps = new ArrayList<>(l.fence().compares());
            cmps.add(kv == null
                    ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                    : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())));
            return etcd.call(key, () -> etcd.client().getKVClient().txn()
                            .If(cmps.toArray(Cmp[]::new))
                            .Then(Op.put(k, ByteSequence.from(encode(next)), PutOption.DEFAULT))
                            .Else(Op.get(Etcd.bytes(l.key()), GetOption.DEFAULT))
                            .commit())
                    .thenCompose(resp -> afterWrite(resp, l, identity, leaseDuration, attempt));
        });
    }

    private CompletableFuture<Void> afterWrite(TxnResponse resp, Leadership l, String identity, Duration leaseDuration, int attempt) {
        if (resp.isSucceeded()) {
            return CompletableFuture.completedFuture(null);
        }
        List<KeyValue> leader = resp.getGetResponses().get(0).getKvs();
        if (leader.isEmpty() || leader.get(0).getCreateRevision() != l.token()) {
            return CompletableFuture.failedFuture(new FencedOutException(key,
                    "leader key " + l.key() + " no longer has token " + l.token()));
        }
        if (attempt >= ATTEMPTS) {
            return CompletableFuture.failedFuture(new ConflictException(key,
                    "Lease " + NAMESPACE + "/" + name + " kept changing under us", null, 0));
        }
        return attempt(l, identity, leaseDuration, attempt + 1);
    }

    /** The Lease to write, given the stored one (null if none or unreadable). */
    Lease next(Lease old, Leadership l, String identity, Duration leaseDuration) {
        Instant now = clock.instant();
        Timestamp nowTs = micros(now);
        String token = Long.toString(l.token());
        ObjectMeta.Builder meta = old == null
                ? ObjectMeta.newBuilder().setName(name).setNamespace(NAMESPACE)
                        .setUid(UUID.randomUUID().toString()).setCreationTimestamp(nowTs)
                : old.getMetadata().toBuilder();
        LeaseSpec oldSpec = old == null ? LeaseSpec.getDefaultInstance() : old.getSpec();
        boolean newTerm = !token.equals(meta.getAnnotationsMap().get(TOKEN_ANNOTATION));
        boolean holderChanged = oldSpec.hasHolderIdentity() && !oldSpec.getHolderIdentity().isEmpty()
                && !oldSpec.getHolderIdentity().equals(identity);
        LeaseSpec.Builder spec = oldSpec.toBuilder()
                .setHolderIdentity(identity)
                .setLeaseDurationSeconds((int) Math.max(1, (leaseDuration.toMillis() + 999) / 1000))
                .setRenewTime(nowTs);
        if (newTerm || !oldSpec.hasAcquireTime()) {
            spec.setAcquireTime(nowTs);
        }
        spec.setLeaseTransitions(oldSpec.getLeaseTransitions() + (holderChanged ? 1 : 0));
        meta.putAnnotations(TOKEN_ANNOTATION, token).clearResourceVersion();
        return Lease.newBuilder().setMetadata(meta).setSpec(spec).build();
    }

    private static Timestamp micros(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano() / 1000 * 1000).build();
    }

    /** magic + Envelope{apiVersion, kind, raw = the Lease without apiVersion/kind}. */
    static byte[] encode(Lease lease) {
        byte[] env = Envelope.newBuilder()
                .setApiVersion(API_VERSION)
                .setKind(KIND)
                .setRaw(lease.toBuilder().clearApiVersion().clearKind().build().toByteString())
                .build().toByteArray();
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + env.length);
        System.arraycopy(env, 0, out, MAGIC.length, env.length);
        return out;
    }

    /** The stored Lease, or null if the value is not one (it is then overwritten). */
    static Lease decode(byte[] value) {
        if (value.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(value, MAGIC.length), MAGIC)) {
            log.warn("value of the leader Lease is not a kubelite envelope; replacing it");
            return null;
        }
        try {
            Envelope env = Envelope.parseFrom(Arrays.copyOfRange(value, MAGIC.length, value.length));
            if (!KIND.equals(env.getKind())) {
                log.warn("leader Lease key holds a {}; replacing it", env.getKind());
                return null;
            }
            return Lease.parseFrom(env.getRaw());
        } catch (InvalidProtocolBufferException e) {
            log.warn("leader Lease does not decode ({}); replacing it", e.getMessage());
            return null;
        }
    }
}
