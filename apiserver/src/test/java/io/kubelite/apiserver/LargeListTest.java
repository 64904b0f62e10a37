package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lists large enough to be written on a worker thread into an off-heap buffer: over HTTP they are
 * byte for byte the {@code <Kind>List} of the stored pods' items (JSON and Kubernetes' protobuf,
 * from the cache and in pages from etcd), with a Content-Length, not chunked.
 */
@Timeout(180)
class LargeListTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static final int PODS = 700; // above ListHandler's threshold for a worker-thread encode
    static final ObjectMapper JSON = new ObjectMapper();
    static TestApiServer api;
    static List<Pod> stored;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectStore<Pod> pods = api.store().of(PodKind.RESOURCE);
        List<CompletableFuture<Pod>> created = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            created.add(pods.create(Pod.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setNamespace("big")
                            .setName(String.format("p-%04d", i))
                            .putLabels("app", "web"))
                    .setSpec(PodSpec.newBuilder()
                            .addContainers(Container.newBuilder().setName("c").setImage("nginx:" + i)))
                    .build()));
        }
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
        stored = pods.list(new ListOptions<>("big", p -> true, 0, 0, "")).join().items();
        assertThat(stored).hasSize(PODS);
        Poll.until(
                Duration.ofSeconds(30),
                "the cache lists all " + PODS + " pods",
                LargeListTest::cachedPods,
                n -> n == PODS);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aJsonListFromTheCacheIsTheStoredItemsByteForByte() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/namespaces/big/pods?resourceVersion=0", "application/json");
        long rv =
                JSON.readTree(r.body()).path("metadata").path("resourceVersion").asLong();
        List<byte[]> items = new ArrayList<>();
        for (Pod p : stored) {
            items.add(Codec.item(p));
        }
        assertThat(r.body()).isEqualTo(Codec.list(PodKind.RESOURCE, rv, "", items));
        assertSized(r);
    }

    @Test
    void aProtobufListFromTheCacheIsTheStoredItemsByteForByte() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/namespaces/big/pods?resourceVersion=0", KubeProtobuf.MEDIA_TYPE);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(KubeProtobuf.MEDIA_TYPE);
        // the revision is the JSON twin's: nothing is written between the two reads
        long rv = JSON.readTree(get("/api/v1/namespaces/big/pods?resourceVersion=0", "application/json")
                        .body())
                .path("metadata")
                .path("resourceVersion")
                .asLong();
        List<byte[]> items = new ArrayList<>();
        for (Pod p : stored) {
            items.add(KubeProtobufEncoder.message(p));
        }
        assertThat(r.body()).isEqualTo(KubeProtobufEncoder.list(PodKind.RESOURCE, rv, "", items));
        assertSized(r);
    }

    @Test
    void pagesFromEtcdWithLimitAndContinueAreTheStoredItemsByteForByte() throws Exception {
        int limit = 600;
        HttpResponse<byte[]> first = get("/api/v1/namespaces/big/pods?limit=" + limit, "application/json");
        JsonNode meta = JSON.readTree(first.body()).path("metadata");
        String token = meta.path("continue").asText();
        long rv = meta.path("resourceVersion").asLong();
        assertThat(token).isNotEmpty();
        List<byte[]> page = new ArrayList<>();
        for (Pod p : stored.subList(0, limit)) {
            page.add(Codec.item(p));
        }
        assertThat(first.body()).isEqualTo(Codec.list(PodKind.RESOURCE, rv, token, page));
        assertSized(first);

        HttpResponse<byte[]> rest =
                get("/api/v1/namespaces/big/pods?limit=" + limit + "&continue=" + token, KubeProtobuf.MEDIA_TYPE);
        List<byte[]> last = new ArrayList<>();
        for (Pod p : stored.subList(limit, PODS)) {
            last.add(KubeProtobufEncoder.message(p));
        }
        assertThat(rest.body()).isEqualTo(KubeProtobufEncoder.list(PodKind.RESOURCE, rv, "", last));
        assertSized(rest);
    }

    /** How many pods a list from the cache has. */
    private static int cachedPods() {
        try {
            return JSON.readTree(get("/api/v1/namespaces/big/pods?resourceVersion=0", "application/json")
                            .body())
                    .path("items")
                    .size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSized(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length"))
                .as("sized, not chunked")
                .hasValue(Integer.toString(r.body().length));
        assertThat(r.headers().firstValue("Transfer-Encoding")).isEmpty();
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(api.url() + path))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
