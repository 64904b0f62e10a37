package io.kubelite.kubelet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.store.ConflictException;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.StoreException;
import io.kubelite.store.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Renewals that fall due together share one etcd transaction; a conflict reaches only its own node. */
class NodeLeaseWriterTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private ObjectStore<Lease> leases;
    private ScheduledTimers timers;

    @BeforeEach
    void setUp() {
        leases = new Store(ETCD.connect(ETCD.newPrefix())).of(LeaseKind.RESOURCE);
        timers = new ScheduledTimers("lease-writer-test", 1);
    }

    @AfterEach
    void tearDown() {
        timers.close();
    }

    private List<Lease> createLeases(int n) {
        List<Lease> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(leases.create(Lease.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace(NodeLeaseRenewer.NAMESPACE)
                                    .setName("node-" + i))
                            .setSpec(LeaseSpec.newBuilder().setHolderIdentity("node-" + i))
                            .build())
                    .join());
        }
        return out;
    }

    private static Lease renewed(Lease l, int seconds) {
        return l.toBuilder()
                .setSpec(l.getSpec().toBuilder()
                        .setRenewTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds)))
                .build();
    }

    private static long rv(Lease l) {
        return Long.parseLong(l.getMetadata().getResourceVersion());
    }

    private static List<Lease> joinAll(List<CompletableFuture<Lease>> fs) {
        return fs.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();
    }

    /** Long enough that only the batch size sends a batch while a test submits. */
    private static final long LONG_LINGER = 60_000;

    @Test
    void aFullBatchIsOneTransaction() {
        List<Lease> before = createLeases(8);
        try (NodeLeaseWriter writer = new NodeLeaseWriter(leases, timers, 4, LONG_LINGER)) {
            List<Lease> written = joinAll(
                    before.stream().map(l -> writer.update(renewed(l, 100))).toList());

            Map<Long, Long> perRevision =
                    written.stream().collect(Collectors.groupingBy(NodeLeaseWriterTest::rv, Collectors.counting()));
            assertThat(perRevision.values())
                    .as("renewals per revision: %s", perRevision)
                    .containsExactly(4L, 4L);
            for (int i = 0; i < before.size(); i++) {
                Lease stored =
                        leases.get(NodeLeaseRenewer.NAMESPACE, "node-" + i).join();
                assertThat(stored).isEqualTo(written.get(i));
                assertThat(stored.getSpec().getRenewTime().getSeconds()).isEqualTo(100);
            }
        }
    }

    @Test
    void renewalsShortOfABatchAreWrittenWhenTheLingerEnds() {
        List<Lease> before = createLeases(3);
        try (NodeLeaseWriter writer = NodeLeaseWriter.forRenewInterval(leases, timers, 64, 10_000)) {
            List<Lease> written = joinAll(
                    before.stream().map(l -> writer.update(renewed(l, 150))).toList());
            for (int i = 0; i < before.size(); i++) {
                assertThat(leases.get(NodeLeaseRenewer.NAMESPACE, "node-" + i).join())
                        .isEqualTo(written.get(i));
            }
        }
    }

    @Test
    void aLeaseChangedBySomeoneElseFailsOnlyItsOwnRenewal() {
        List<Lease> before = createLeases(5);
        Lease moved = leases.update(before.get(2).toBuilder()
                        .setSpec(before.get(2).getSpec().toBuilder().setHolderIdentity("someone-else"))
                        .build())
                .join();
        try (NodeLeaseWriter writer = new NodeLeaseWriter(leases, timers, 5, LONG_LINGER)) {
            List<CompletableFuture<Lease>> fs = new ArrayList<>();
            for (Lease l : before) {
                fs.add(writer.update(renewed(l, 200)));
            }
            assertThatThrownBy(() -> fs.get(2).orTimeout(10, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class)
                    .satisfies(e -> {
                        ConflictException ce = (ConflictException) StoreException.unwrap(e);
                        // written alone after the batch failed: the conflict carries the current Lease
                        assertThat(ce).isNotNull();
                        assertThat(ce.<Lease>current()).isEqualTo(moved);
                    });
            for (int i : List.of(0, 1, 3, 4)) {
                Lease l = fs.get(i).orTimeout(10, TimeUnit.SECONDS).join();
                assertThat(l.getSpec().getRenewTime().getSeconds()).isEqualTo(200);
                assertThat(leases.get(NodeLeaseRenewer.NAMESPACE, "node-" + i).join())
                        .isEqualTo(l);
            }
            assertThat(leases.get(NodeLeaseRenewer.NAMESPACE, "node-2").join()).isEqualTo(moved);
        }
    }

    @Test
    void batchSizeOneWritesEachRenewalOnItsOwn() {
        List<Lease> before = createLeases(3);
        try (NodeLeaseWriter writer = new NodeLeaseWriter(leases, timers, 1, LONG_LINGER)) {
            List<Lease> written = joinAll(
                    before.stream().map(l -> writer.update(renewed(l, 300))).toList());
            assertThat(written.stream().map(NodeLeaseWriterTest::rv).distinct()).hasSize(3);
        }
    }

    @Test
    void closeFailsWaitingRenewalsAndRefusesNewOnes() {
        List<Lease> before = createLeases(2);
        NodeLeaseWriter writer = new NodeLeaseWriter(leases, timers, 64, LONG_LINGER);
        CompletableFuture<Lease> waiting = writer.update(renewed(before.get(0), 400));
        writer.close();
        writer.close(); // idempotent
        assertThatThrownBy(() -> waiting.orTimeout(10, TimeUnit.SECONDS).join())
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> writer.update(renewed(before.get(1), 400)).join())
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(leases.get(NodeLeaseRenewer.NAMESPACE, "node-0").join()).isEqualTo(before.get(0));
    }

    @Test
    void aBatchSizeOutsideOneToTheStoreLimitIsRefused() {
        for (int bad : List.of(0, ObjectStore.MAX_BATCH + 1)) {
            assertThatThrownBy(() -> NodeLeaseWriter.forRenewInterval(leases, timers, bad, 10_000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease batch size " + bad + ": must be 1 to " + ObjectStore.MAX_BATCH);
        }
    }
}
