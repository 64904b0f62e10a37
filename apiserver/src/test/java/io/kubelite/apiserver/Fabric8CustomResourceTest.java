package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Custom resources through fabric8, as an operator uses them: its typed CRD model creates
 * kubernetes.io's CronTab CRD (so fabric8's JSONSchemaProps round-trips through kubelite's raw
 * schema), then GenericKubernetesResource CronTabs are created, read, listed by label, watched
 * (ADDED, MODIFIED, DELETED), updated from a stale resourceVersion (409) and deleted.
 */
@Timeout(120)
class Fabric8CustomResourceTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        client = Fabric8CompatTest.fabric8(api.url(), false);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static GenericKubernetesResource crontab(String name, String spec) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("stable.example.com/v1")
                .withKind("CronTab")
                .withNewMetadata()
                .withName(name)
                .addToLabels("app", "cron")
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("cronSpec", spec, "image", "cron:1")))
                .build();
    }

    @Test
    void crontabsAsAnOperatorUsesThem() throws Exception {
        CustomResourceDefinition crd = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(Fabric8CustomResourceTest.class.getResourceAsStream("/crd/crontab-crd.yaml"))
                .item();
        CustomResourceDefinition created = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .create();
        assertThat(created.getSpec()
                        .getVersions()
                        .get(0)
                        .getSchema()
                        .getOpenAPIV3Schema()
                        .getProperties()
                        .get("spec")
                        .getProperties()
                        .get("replicas")
                        .getMaximum())
                .isEqualTo(10);
        Poll.until(
                Duration.ofSeconds(10),
                "the CronTab CRD established",
                () -> client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("crontabs.stable.example.com")
                        .get(),
                c -> c.getStatus().getConditions().stream()
                        .anyMatch(x -> x.getType().equals("Established")
                                && x.getStatus().equals("True")));

        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                crontabs = client.genericKubernetesResources("stable.example.com/v1", "CronTab");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        GenericKubernetesResource first =
                Poll.value(Duration.ofSeconds(10), "the first CronTab created (the resource is served)", () -> {
                    try {
                        return crontabs.inNamespace("default")
                                .resource(crontab("nightly", "0 0 * * *"))
                                .create();
                    } catch (KubernetesClientException e) {
                        return null;
                    }
                });
        try (Watch w = crontabs.inNamespace("default").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource r) {
                events.add(action + " " + r.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED nightly");
            assertThat(first.getMetadata().getUid()).isNotEmpty();
            GenericKubernetesResource read =
                    crontabs.inNamespace("default").withName("nightly").get();
            assertThat(read.<String>get("spec", "cronSpec")).isEqualTo("0 0 * * *");
            assertThat(crontabs.inNamespace("default")
                            .withLabel("app", "cron")
                            .list()
                            .getItems())
                    .extracting(r -> r.getMetadata().getName())
                    .containsExactly("nightly");

            read.setAdditionalProperty("spec", Map.of("cronSpec", "*/5 * * * *", "image", "cron:2"));
            GenericKubernetesResource updated =
                    crontabs.inNamespace("default").resource(read).update();
            assertThat(updated.<String>get("spec", "image")).isEqualTo("cron:2");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("MODIFIED nightly");
            assertThatThrownBy(
                            () -> crontabs.inNamespace("default").resource(read).update())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
                            .isEqualTo(409));

            crontabs.inNamespace("default").withName("nightly").delete();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("DELETED nightly");
        }
    }
}
