package io.kubelite.store.transfer;

import static io.kubelite.store.transfer.TransferFixtures.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.EtcdExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Export and import against a real etcd, between two prefixes of the same cluster. */
class StoreTransferTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void exportThenImportIntoAnotherPrefixReproducesEveryObjectAndLease() {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        // coordination data and garbage are not exported
        source.client()
                .getKVClient()
                .put(bs(source.prefix() + "/_kubelite/leader/scheduler/1"), bs("candidate"))
                .join();
        source.client()
                .getKVClient()
                .put(bs(source.prefix() + "/pods/default/garbage"), bs("not an object"))
                .join();

        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        ExportSummary exported;
        try {
            exported = new StoreExporter(source).export(buf);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(exported.keys()).isEqualTo(13); // 2 namespaces, 8 pods, 2 nodes, 1 event
        assertThat(exported.leasedKeys()).isEqualTo(1);
        assertThat(exported.skippedKeys()).containsExactly(source.prefix() + "/pods/default/garbage");

        ExportFile file = TransferFixtures.parse(buf.toByteArray());
        assertThat(file.header().prefix()).isEqualTo(source.prefix());
        assertThat(file.header().revision()).isEqualTo(exported.revision());
        assertThat(file.entries()).extracting(ExportEntry::key).doesNotContain("_kubelite/leader/scheduler/1");

        Etcd target = ETCD.connect(ETCD.newPrefix());
        ImportSummary imported = new StoreImporter(target).importFile(file, false);
        assertThat(imported.keys()).isEqualTo(13);
        assertThat(imported.leases()).isEqualTo(1);
        assertThat(imported.targetPrefix()).isEqualTo(target.prefix());

        Map<String, Message> want = TransferFixtures.objects(source);
        assertThat(want).hasSize(13);
        assertThat(TransferFixtures.objects(target)).isEqualTo(want);
        long ttl = TransferFixtures.remainingTtl(target, target.prefix() + "/events/default/web-0.1");
        assertThat(ttl).isBetween(TransferFixtures.EVENT_TTL - 60, TransferFixtures.EVENT_TTL);
        assertThat(TransferFixtures.remainingTtl(target, target.prefix() + "/pods/default/web-0"))
                .isZero();
        // the target's objects are usable: resourceVersion is the target's own and updates work
        ObjectStore<Pod> pods = new Store(target).of(PodKind.RESOURCE);
        Pod p = pods.get("default", "web-1").join();
        pods.update(p.toBuilder()
                        .setStatus(PodStatus.newBuilder().setPhase("Running"))
                        .build())
                .join();
    }

    @Test
    void refusesAnOccupiedTargetUnlessForcedAndThenOverwritesOnlyTheSameKeys() {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        ExportFile file = TransferFixtures.parse(TransferFixtures.export(source));

        Etcd target = ETCD.connect(ETCD.newPrefix());
        ObjectStore<Pod> targetPods = new Store(target).of(PodKind.RESOURCE);
        targetPods
                .create(TestObjects.pod("default", "web-0").toBuilder()
                        .setStatus(PodStatus.newBuilder().setPhase("Failed"))
                        .build())
                .join();
        targetPods.create(TestObjects.pod("default", "only-in-target")).join();

        assertThatThrownBy(() -> new StoreImporter(target).importFile(file, false))
                .isInstanceOf(ImportRefusedException.class)
                .hasMessageContaining("already holds 2 keys")
                .hasMessageContaining("--force");
        assertThat(TransferFixtures.countUnder(target)).isEqualTo(2);

        new StoreImporter(target).importFile(file, true);
        Map<String, Message> got = TransferFixtures.objects(target);
        assertThat(got).containsKey("pods/default/only-in-target");
        got.remove("pods/default/only-in-target");
        assertThat(got).isEqualTo(TransferFixtures.objects(source));
    }

    @Test
    void withoutForceAKeyThatAppearsInTheTargetIsNeverOverwritten() {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        ExportFile file = TransferFixtures.parse(TransferFixtures.export(source));
        Etcd target = ETCD.connect(ETCD.newPrefix());
        // as if a writer raced in after the emptiness check: the batch's create-only compares fail it
        String raced = target.prefix() + "/pods/team-a/web-3";
        target.client().getKVClient().put(bs(raced), bs("raced")).join();

        assertThatThrownBy(() -> new StoreImporter(target).writeAll(file, false))
                .isInstanceOf(ImportRefusedException.class)
                .hasMessageContaining("key " + raced + " was created in the target while importing");
        assertThat(TransferFixtures.countUnder(target)).isEqualTo(1); // one batch (13 keys), nothing of it written
        assertThat(target.client()
                        .getKVClient()
                        .get(bs(raced))
                        .join()
                        .getKvs()
                        .get(0)
                        .getValue())
                .isEqualTo(bs("raced"));
    }

    @Test
    void aPageOverJetcdsResponseLimitIsReadAgainInSmallerPages() throws Exception {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        // 48 secrets of 1.4 MiB each: 67 MiB in one 500-key page, over jetcd's 64 MiB inbound limit
        io.kubelite.api.Secret big = io.kubelite.api.Secret.newBuilder()
                .putData("blob", com.google.protobuf.ByteString.copyFrom(new byte[1400 * 1024]))
                .build();
        ObjectStore<io.kubelite.api.Secret> secrets = new Store(source).of(SecretKind.RESOURCE);
        for (int i = 0; i < 48; i++) {
            secrets.create(big.toBuilder()
                            .setMetadata(io.kubelite.api.ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("s-" + i))
                            .build())
                    .join();
        }
        try {
            ExportSummary s = new StoreExporter(source).export(java.io.OutputStream.nullOutputStream());
            assertThat(s.keys()).isEqualTo(48);
        } finally {
            // keep the shared etcd small for the other tests
            source.client()
                    .getKVClient()
                    .delete(
                            bs(source.prefix() + "/"),
                            io.etcd.jetcd.options.DeleteOption.builder()
                                    .isPrefix(true)
                                    .build())
                    .join();
        }
    }
}
