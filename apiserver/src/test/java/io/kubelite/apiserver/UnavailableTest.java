package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.testing.FreePorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With etcd unreachable, reads and writes answer 503 ServiceUnavailable, never a trace. */
class UnavailableTest {
    @Test
    void etcdDownIs503() throws Exception {
        EtcdConfig cfg = new EtcdConfig(List.of("127.0.0.1:" + FreePorts.next()), "/x", Duration.ofMillis(800));
        try (Etcd etcd = Etcd.connect(cfg);
                TestApiServer api = TestApiServer.startUnsynced(etcd, ApiServerConfig.local())) {
            TestApiServer.Resp r = api.get("/api/v1/namespaces/default/pods/x");
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
            assertThat(r.body()).doesNotContain("\tat ");
            assertThat(api.post("/api/v1/nodes", TestApiServer.node("n")).code())
                    .isEqualTo(503);
            assertThat(api.get("/readyz").code()).isEqualTo(500);
        }
    }
}
