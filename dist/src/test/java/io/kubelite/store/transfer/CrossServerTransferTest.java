package io.kubelite.store.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.kubelite.etcdlite.EtcdLite;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moving a cluster's data between the two servers kubelite runs on: a real etcd (the
 * harness) and an etcdlite started in this JVM. What is read back through ObjectStore
 * on the target equals the source, resourceVersions aside; leased keys keep their ttl.
 */
class CrossServerTransferTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static Path liteDir;
    private static EtcdLite lite;
    private static final List<Etcd> clients = new ArrayList<>();

    @BeforeAll
    static void startEtcdLite() throws IOException {
        liteDir = Files.createTempDirectory("transfer-etcdlite-");
        lite = EtcdLite.start(new EtcdLite.Options().dataDir(liteDir).listen("127.0.0.1:0"));
    }

    @AfterAll
    static void stopEtcdLite() throws IOException {
        clients.forEach(Etcd::close);
        if (lite != null) {
            lite.close();
        }
        if (liteDir != null) {
            try (Stream<Path> s = Files.walk(liteDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Etcd liteClient() {
        Etcd e = Etcd.connect(new EtcdConfig(List.of(lite.endpoint()), ETCD.newPrefix(), Duration.ofSeconds(15)));
        clients.add(e);
        return e;
    }

    private static void transferAndCompare(Etcd source, Etcd target) throws IOException {
        TransferFixtures.seed(source);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportSummary exported = new StoreExporter(source, 4, Clock.systemUTC()).export(out); // several pages
        ImportSummary imported = new StoreImporter(target).importFile(TransferFixtures.parse(out.toByteArray()), false);

        assertThat(imported.keys()).isEqualTo(exported.keys()).isEqualTo(13);
        assertThat(imported.sourceRevision()).isEqualTo(exported.revision());
        Map<String, Message> want = TransferFixtures.objects(source);
        assertThat(want).hasSize(13);
        assertThat(TransferFixtures.objects(target)).isEqualTo(want);
        long ttl = TransferFixtures.remainingTtl(target, target.prefix() + "/events/default/web-0.1");
        assertThat(ttl).isBetween(TransferFixtures.EVENT_TTL - 60, TransferFixtures.EVENT_TTL);
    }

    @Test
    void fromEtcdLiteIntoEtcd() throws IOException {
        transferAndCompare(liteClient(), ETCD.connect(ETCD.newPrefix()));
    }

    @Test
    void fromEtcdIntoEtcdLite() throws IOException {
        transferAndCompare(ETCD.connect(ETCD.newPrefix()), liteClient());
    }

    @Test
    void etcdLiteRefusesAnOccupiedPrefixToo() throws IOException {
        Etcd source = ETCD.connect(ETCD.newPrefix());
        TransferFixtures.seed(source);
        ExportFile file = TransferFixtures.parse(TransferFixtures.export(source));
        Etcd target = liteClient();
        new StoreImporter(target).importFile(file, false);
        long before = TransferFixtures.countUnder(target);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StoreImporter(target).importFile(file, false))
                .isInstanceOf(ImportRefusedException.class)
                .hasMessageContaining("already holds 13 keys");
        assertThat(TransferFixtures.countUnder(target)).isEqualTo(before);
    }
}
