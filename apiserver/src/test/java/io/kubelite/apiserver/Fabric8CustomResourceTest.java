package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
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
    static TestApiServer replica;
    static KubernetesClient client;
    static KubernetesClient replicaClient;

    @BeforeAll
    static void start() throws Exception {
        String prefix = ETCD.newPrefix();
        api = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        replica = TestApiServer.start(ETCD.connect(prefix), ApiServerConfig.local());
        client = Fabric8CompatTest.fabric8(api.url(), false);
        replicaClient = Fabric8CompatTest.fabric8(replica.url(), false);
    }

    @AfterAll
    static void stop() {
        for (KubernetesClient c : new KubernetesClient[] {client, replicaClient}) {
            if (c != null) {
                c.close();
            }
        }
        if (replica != null) {
            replica.close();
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
        // Established means served: no retry
        GenericKubernetesResource first = crontabs.inNamespace("default")
                .resource(crontab("nightly", "0 0 * * *"))
                .create();
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

    /**
     * An operator that creates its CRD through one API server replica and uses it at once through
     * another (a load balancer in between) must find it served: discovery and the resource path
     * read the replica's CRD cache only once it holds what etcd holds.
     */
    @Test
    void aCrdCreatedThroughOneReplicaIsServedAtOnceByAnother() {
        for (int i = 0; i < 10; i++) {
            String group = "g" + i + ".replicas.example.com";
            CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                    .withNewMetadata()
                    .withName("widgets." + group)
                    .endMetadata()
                    .withNewSpec()
                    .withGroup(group)
                    .withScope("Namespaced")
                    .withNewNames()
                    .withPlural("widgets")
                    .withSingular("widget")
                    .withKind("Widget")
                    .endNames()
                    .addNewVersion()
                    .withName("v1")
                    .withServed(true)
                    .withStorage(true)
                    .withNewSchema()
                    .withNewOpenAPIV3Schema()
                    .withType("object")
                    .withXKubernetesPreserveUnknownFields(true)
                    .endOpenAPIV3Schema()
                    .endSchema()
                    .endVersion()
                    .endSpec()
                    .build();
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(crd)
                    .create();

            GenericKubernetesResource widget = new GenericKubernetesResourceBuilder()
                    .withApiVersion(group + "/v1")
                    .withKind("Widget")
                    .withNewMetadata()
                    .withName("w" + i)
                    .endMetadata()
                    .withAdditionalProperties(Map.of("spec", Map.of("size", i)))
                    .build();
            GenericKubernetesResource created = replicaClient
                    .genericKubernetesResources(group + "/v1", "Widget")
                    .inNamespace("default")
                    .resource(widget)
                    .create();
            assertThat(created.getMetadata().getUid())
                    .as("Widget w%d created through the other replica", i)
                    .isNotEmpty();
        }
    }
}
