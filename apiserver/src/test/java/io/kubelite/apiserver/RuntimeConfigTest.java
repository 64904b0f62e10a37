package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.kinds.batch.cronjob.CronJobKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.testing.EtcdExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kube-apiserver's {@code --runtime-config}: its syntax, its errors, and a beta version it turns on. */
class RuntimeConfigTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void defaultsServeGaOnly() {
        RuntimeConfig c = RuntimeConfig.defaults();
        assertThat(c.enabled("batch", "v1")).isTrue();
        assertThat(c.enabled("batch", "v1beta1")).isFalse();
        assertThat(c.enabled("autoscaling", "v1")).isTrue();
    }

    @Test
    void kubesSyntax() {
        assertThat(RuntimeConfig.parse("batch/v1beta1=true").enabled("batch", "v1beta1"))
                .isTrue();
        assertThat(RuntimeConfig.parse("batch/v1beta1").enabled("batch", "v1beta1"))
                .as("no value is true")
                .isTrue();
        assertThat(RuntimeConfig.parse("api/beta=true").enabled("batch", "v1beta1"))
                .isTrue();
        assertThat(RuntimeConfig.parse("api/alpha=true").enabled("batch", "v1beta1"))
                .isFalse();
        assertThat(RuntimeConfig.parse("api/all=true").enabled("batch", "v1beta1"))
                .isTrue();
        RuntimeConfig off = RuntimeConfig.parse("batch/v1=false");
        assertThat(off.enabled("batch", "v1")).isFalse();
        assertThat(off.enabled("apps", "v1")).isTrue();
        // single group-versions win over api/all, whatever the order
        RuntimeConfig some = RuntimeConfig.parse("apps/v1=true, api/all=false");
        assertThat(some.enabled("apps", "v1")).isTrue();
        assertThat(some.enabled("batch", "v1")).isFalse();
        assertThat(some.enabled("", "v1")).as("the core group stays on").isTrue();
        assertThat(RuntimeConfig.parse("api/all=true,batch/v1beta1=0").enabled("batch", "v1beta1"))
                .isFalse();
    }

    @Test
    void badEntriesAreClearErrors() {
        assertThatThrownBy(() -> RuntimeConfig.parse("batch/v2=true"))
                .hasMessageContaining("unknown API group-version \"batch/v2\"")
                .hasMessageContaining("batch/v1beta1");
        assertThatThrownBy(() -> RuntimeConfig.parse("nosuch.example.com/v1=true"))
                .hasMessageContaining("unknown API group-version \"nosuch.example.com/v1\"");
        assertThatThrownBy(() -> RuntimeConfig.parse("batch/v1beta1=yes"))
                .hasMessageContaining("invalid value of batch/v1beta1: \"yes\"");
        assertThatThrownBy(() -> RuntimeConfig.parse("batch/v1/cronjobs=true")).hasMessageContaining("invalid key");
        assertThatThrownBy(() -> RuntimeConfig.parse("api/v1=false"))
                .hasMessageContaining("cannot disable the core group");
    }

    @Test
    void anEnabledBetaVersionIsServedOverTheStableStorage() throws Exception {
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()),
                ApiServerConfig.local().withRuntimeConfig(RuntimeConfig.parse("batch/v1beta1=true")))) {
            JsonNode group = api.get("/apis/batch").json();
            assertThat(group.path("preferredVersion").path("version").asText()).isEqualTo("v1");
            assertThat(group.path("versions").findValuesAsText("version")).containsExactly("v1", "v1beta1");

            String cj = """
                    {"apiVersion":"batch/v1beta1","kind":"CronJob","metadata":{"name":"nightly"},
                     "spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"template":{"spec":{
                      "restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox"}]}}}}}}
                    """;
            TestApiServer.Resp created = api.post("/apis/batch/v1beta1/namespaces/default/cronjobs", cj);
            assertThat(created.code()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("apiVersion").asText()).isEqualTo("batch/v1beta1");
            assertThat(created.json().path("spec").path("concurrencyPolicy").asText())
                    .as("defaulted")
                    .isEqualTo("Allow");

            JsonNode v1 = api.get("/apis/batch/v1/namespaces/default/cronjobs/nightly")
                    .json();
            assertThat(v1.path("apiVersion").asText()).isEqualTo("batch/v1");
            assertThat(v1.path("spec").path("schedule").asText()).isEqualTo("0 3 * * *");

            String key = api.store().of(CronJobKind.RESOURCE).key("default", "nightly");
            var kvs = api.etcd()
                    .client()
                    .getKVClient()
                    .get(Etcd.bytes(key))
                    .get(10, TimeUnit.SECONDS)
                    .getKvs();
            assertThat(ObjectCodec.envelope(key, kvs.get(0).getValue().getBytes())
                            .getApiVersion())
                    .isEqualTo("batch/v1");

            TestApiServer.Resp list = api.get("/apis/batch/v1beta1/namespaces/default/cronjobs");
            assertThat(list.json().path("kind").asText()).isEqualTo("CronJobList");
            assertThat(list.json()
                            .path("items")
                            .get(0)
                            .path("metadata")
                            .path("name")
                            .asText())
                    .isEqualTo("nightly");
        }
    }

    @Test
    void theStorageVersionDisabledItsObjectsAreServedAtTheEnabledOne() throws Exception {
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()),
                ApiServerConfig.local().withRuntimeConfig(RuntimeConfig.parse("batch/v1=false,batch/v1beta1=true")))) {
            String cj = """
                    {"metadata":{"name":"hourly"},"spec":{"schedule":"0 * * * *","jobTemplate":{"spec":{"template":{
                     "spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}}}
                    """;
            assertThat(api.post("/apis/batch/v1beta1/namespaces/default/cronjobs", cj)
                            .code())
                    .isEqualTo(201);
            assertThat(api.get("/apis/batch/v1/namespaces/default/cronjobs").code())
                    .isEqualTo(404);
            assertThat(api.get("/apis/batch/v1/namespaces/default/jobs").code()).isEqualTo(404);
            assertThat(api.get("/apis/batch")
                            .json()
                            .path("preferredVersion")
                            .path("version")
                            .asText())
                    .isEqualTo("v1beta1");
            JsonNode list =
                    api.get("/apis/batch/v1beta1/namespaces/default/cronjobs").json();
            assertThat(list.path("items").findValuesAsText("name")).contains("hourly");
        }
    }

    @Test
    void aDisabledStableVersionIs404() throws Exception {
        try (TestApiServer api = TestApiServer.start(
                ETCD.connect(ETCD.newPrefix()),
                ApiServerConfig.local().withRuntimeConfig(RuntimeConfig.parse("autoscaling/v1=false")))) {
            assertThat(api.get("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers")
                            .code())
                    .isEqualTo(404);
            assertThat(api.get("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers")
                            .code())
                    .isEqualTo(200);
            assertThat(api.get("/apis/autoscaling").json().path("versions").findValuesAsText("version"))
                    .containsExactly("v2");
        }
    }
}
