package io.kubelite.store.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Lease;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.FencedOutException;
import io.kubelite.store.StoreException;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaseObjectPublisherTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration LEASE = Duration.ofSeconds(6);

    @Test
    void leaseObjectFollowsTheLeaderAndRejectsStaleTerms() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcdA = ETCD.connect(prefix);
        Etcd etcdB = ETCD.connect(prefix);
        LeaseObjectPublisher reader = new LeaseObjectPublisher(etcdA, "pub");
        assertThat(reader.key()).isEqualTo(prefix + "/leases/kube-system/pub");
        LeaderElector a = new LeaderElector(
                etcdA, "pub", "a", LEASE, new RecordingListener(), new LeaseObjectPublisher(etcdA, "pub"));
        try (LeaderElector b = new LeaderElector(
                etcdB, "pub", "b", LEASE, new RecordingListener(), new LeaseObjectPublisher(etcdB, "pub"))) {
            a.start();
            Poll.until(Duration.ofSeconds(10), "a to lead", a::isLeader);
            Leadership la = a.leadership().orElseThrow();
            Lease first = Poll.value(Duration.ofSeconds(10), "Lease held by a", () -> holder(etcdA, reader, "a"));
            assertThat(first.getMetadata().getName()).isEqualTo("pub");
            assertThat(first.getMetadata().getNamespace()).isEqualTo("kube-system");
            assertThat(first.getSpec().getLeaseDurationSeconds()).isEqualTo(6);
            assertThat(first.getSpec().getLeaseTransitions()).isZero();
            assertThat(first.getSpec().getAcquireTime())
                    .isEqualTo(first.getSpec().getRenewTime());

            Poll.until(
                    Duration.ofSeconds(10),
                    "renewTime to be refreshed",
                    () -> !holder(etcdA, reader, "a")
                            .getSpec()
                            .getRenewTime()
                            .equals(first.getSpec().getRenewTime()));
            assertThat(holder(etcdA, reader, "a").getSpec().getAcquireTime())
                    .isEqualTo(first.getSpec().getAcquireTime());

            b.start();
            Poll.until(Duration.ofSeconds(10), "b queued", () -> LeaderElectorTest.candidates(etcdB, "pub") == 2);
            a.close();
            Poll.until(Duration.ofSeconds(5), "b to lead", b::isLeader);
            Lease second = Poll.value(Duration.ofSeconds(10), "Lease held by b", () -> holder(etcdB, reader, "b"));
            assertThat(second.getSpec().getLeaseTransitions()).isEqualTo(1);
            assertThat(second.getMetadata().getUid())
                    .isEqualTo(first.getMetadata().getUid());
            assertThat(second.getSpec().getAcquireTime())
                    .isNotEqualTo(first.getSpec().getAcquireTime());

            // a's old term can no longer write the record
            assertThatThrownBy(() -> new LeaseObjectPublisher(etcdA, "pub")
                            .publish(la, "a", LEASE)
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(StoreException.unwrap(e)).isInstanceOf(FencedOutException.class));
            assertThat(holder(etcdB, reader, "b")).isNotNull();
        } finally {
            a.close();
        }
    }

    /** The stored Lease if {@code identity} holds it, else null. */
    private static Lease holder(Etcd etcd, LeaseObjectPublisher reader, String identity) {
        try {
            List<io.etcd.jetcd.KeyValue> kvs = etcd.client()
                    .getKVClient()
                    .get(Etcd.bytes(reader.key()))
                    .get(5, TimeUnit.SECONDS)
                    .getKvs();
            if (kvs.isEmpty()) {
                return null;
            }
            byte[] value = kvs.get(0).getValue().getBytes();
            assertThat(new String(value, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isEqualTo("k8l\0");
            Lease lease = io.kubelite.store.ObjectCodec.decode(
                    LeaseKind.RESOURCE, reader.key(), value, kvs.get(0).getModRevision());
            return lease != null && identity.equals(lease.getSpec().getHolderIdentity()) ? lease : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
