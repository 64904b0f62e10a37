package io.kubelite.store.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Pod;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.TestObjects;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An export taken while a writer creates and updates objects holds exactly the state
 * at its header's revision: every page was read at that one revision.
 */
class ExportConsistencyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void exportUnderConcurrentWritesIsTheStateAtOneRevision() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        ObjectStore<Pod> pods = new Store(etcd).of(PodKind.RESOURCE);
        CompletableFuture.allOf(java.util.stream.IntStream.range(0, 200)
                        .mapToObj(i -> pods.create(TestObjects.pod("default", "p-" + i)))
                        .toArray(CompletableFuture[]::new))
                .join();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(
                () -> {
                    int i = 0;
                    while (!stop.get()) {
                        // updates spread over the whole key range, and new keys sorting before and after the pages read
                        // so far
                        pods.guaranteedUpdate(
                                        "default",
                                        "p-" + (i * 37 % 200),
                                        p -> p.toBuilder()
                                                .setStatus(
                                                        PodStatus.newBuilder().setMessage("w" + writes.get()))
                                                .build())
                                .join();
                        pods.create(TestObjects.pod("default", (i % 2 == 0 ? "a-" : "z-") + i))
                                .join();
                        writes.addAndGet(2);
                        i++;
                    }
                },
                "export-consistency-writer");
        writer.start();
        ExportSummary s;
        byte[] bytes;
        long writesDuring;
        try {
            Poll.until(Duration.ofSeconds(20), "the writer is writing", () -> writes.get() >= 20);
            long before = writes.get();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s = new StoreExporter(etcd, 3, Clock.systemUTC()).export(out); // 3 keys a page: ~70 reads
            writesDuring = writes.get() - before;
            bytes = out.toByteArray();
        } finally {
            stop.set(true);
            writer.join(30_000);
        }
        assertThat(writesDuring).as("writes while exporting").isPositive();
        Map<String, String> exported = new TreeMap<>();
        for (ExportEntry e : TransferFixtures.parse(bytes).entries()) {
            exported.put(e.key(), Base64.getEncoder().encodeToString(e.value()));
        }
        assertThat(exported).isEqualTo(TransferFixtures.rawAt(etcd, s.revision()));
        assertThat(TransferFixtures.countUnder(etcd)).isGreaterThan(exported.size());
    }
}
