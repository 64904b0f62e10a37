package io.kubelite.etcdlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** LeaseLeases, Hash/HashKV and Snapshot against real etcd and etcdlite (etcdctl, jetcd and raw gRPC). */
class LeaseAndMaintenanceConformanceTest {
    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static List<Long> leaseLeases(GrpcChannel ch) throws Exception {
        byte[] resp = ClientCalls.blockingUnaryCall(
                ch.channel.newCall(
                        LeaseLeases.METHOD, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
                new byte[0]);
        return LeaseLeases.decodeIds(resp);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void leaseListShowsGrantedAndNotRevokedLeases(TestServer s) throws Exception {
        long a = s.client().getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
        long b = s.client().getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
        String listed = EtcdctlConformanceTest.ok(s, "lease", "list");
        assertThat(listed)
                .matches("(?s)found \\d+ leases\n.*")
                .contains(Long.toHexString(a) + "\n", Long.toHexString(b) + "\n");
        try (GrpcChannel ch = new GrpcChannel(s.endpoint())) {
            assertThat(leaseLeases(ch)).contains(a, b);
            s.client().getLeaseClient().revoke(a).get(10, TimeUnit.SECONDS);
            assertThat(leaseLeases(ch)).contains(b).doesNotContain(a);
        }
        assertThat(EtcdctlConformanceTest.ok(s, "lease", "list")).doesNotContain(Long.toHexString(a) + "\n");
        s.client().getLeaseClient().revoke(b).get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void hashKvIsStableForUnchangedDataAndReportsTheCompactRevision(TestServer s) throws Exception {
        String p = s.prefix();
        var kv = s.client().getKVClient();
        long lease =
                s.client().getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
        kv.put(bs(p + "a"), bs("1")).get(10, TimeUnit.SECONDS);
        kv.put(bs(p + "b"), bs("2"), PutOption.builder().withLeaseId(lease).build())
                .get(10, TimeUnit.SECONDS);
        long rev = kv.delete(bs(p + "a")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        try (GrpcChannel ch = new GrpcChannel(s.endpoint())) {
            var m = MaintenanceGrpc.newBlockingStub(ch.channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            HashKVResponse h1 =
                    m.hashKV(HashKVRequest.newBuilder().setRevision(rev).build());
            HashKVResponse h2 =
                    m.hashKV(HashKVRequest.newBuilder().setRevision(rev).build());
            assertThat(h2.getHash()).isEqualTo(h1.getHash());
            assertThat(m.hashKV(HashKVRequest.newBuilder().setRevision(rev - 1).build())
                            .getHash())
                    .as("one revision earlier")
                    .isNotEqualTo(h1.getHash());

            long later = kv.put(bs(p + "c"), bs("3"))
                    .get(10, TimeUnit.SECONDS)
                    .getHeader()
                    .getRevision();
            assertThat(m.hashKV(HashKVRequest.newBuilder().setRevision(rev).build())
                            .getHash())
                    .as("writes after the revision do not change its hash")
                    .isEqualTo(h1.getHash());
            HashKVResponse current = m.hashKV(HashKVRequest.newBuilder().build());
            assertThat(current.getHeader().getRevision()).isGreaterThanOrEqualTo(later);
            assertThat(current.getHash())
                    .isEqualTo(m.hashKV(HashKVRequest.newBuilder()
                                    .setRevision(later)
                                    .build())
                            .getHash());
            assertThat(m.hash(HashRequest.getDefaultInstance()).getHeader().getRevision())
                    .isGreaterThanOrEqualTo(later);

            s.client().getKVClient().compact(rev).get(10, TimeUnit.SECONDS);
            HashKVResponse afterCompact =
                    m.hashKV(HashKVRequest.newBuilder().setRevision(later).build());
            assertThat(afterCompact.getCompactRevision()).isEqualTo(rev);
            assertThatThrownBy(() ->
                            m.hashKV(HashKVRequest.newBuilder().setRevision(rev).build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE));
        }
        s.client().getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
    }

    /** The blob ends with the sha256 of what precedes it, in etcd (bbolt file) and etcdlite (its snapshot image) alike. */
    private static void assertSha256Trailer(byte[] blob) throws Exception {
        assertThat(blob.length).isGreaterThan(32);
        byte[] body = Arrays.copyOf(blob, blob.length - 32);
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(body);
        assertThat(Arrays.copyOfRange(blob, blob.length - 32, blob.length)).isEqualTo(sum);
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(BothServers.class)
    void snapshotSaveWritesAFileEndingInItsSha256(TestServer s) throws Exception {
        String p = s.prefix();
        s.client().getKVClient().put(bs(p + "snap"), bs("in the snapshot")).get(10, TimeUnit.SECONDS);
        Path dir = TestServer.tempDir("snapshot");
        Path file = dir.resolve("snap.db");
        try {
            String out = EtcdctlConformanceTest.ok(s, "snapshot", "save", file.toString());
            assertThat(out).contains("Snapshot saved at " + file);
            byte[] saved = Files.readAllBytes(file);
            assertSha256Trailer(saved);
            if (s.name().equals("etcdlite")) {
                assertThat(new String(saved, StandardCharsets.ISO_8859_1))
                        .startsWith("etclite1")
                        .contains("in the snapshot");
            }
            ByteArrayOutputStream viaJetcd = new ByteArrayOutputStream();
            long n = s.client().getMaintenanceClient().snapshot(viaJetcd).get(30, TimeUnit.SECONDS);
            assertThat(n).isEqualTo(viaJetcd.size());
            assertSha256Trailer(viaJetcd.toByteArray());
        } finally {
            Files.deleteIfExists(file);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void unservedMaintenanceRpcsAnswerUnimplemented() throws Exception {
        TestServer s = TestServer.etcdlite();
        try (GrpcChannel ch = new GrpcChannel(s.endpoint())) {
            var m = MaintenanceGrpc.newBlockingStub(ch.channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> m.moveLeader(
                            MoveLeaderRequest.newBuilder().setTargetID(1).build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
            assertThat(m.status(io.etcd.jetcd.api.StatusRequest.getDefaultInstance())
                            .getVersion())
                    .isNotEmpty();
        } finally {
            s.stop();
        }
    }
}
