package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Table;
import io.fabric8.kubernetes.api.model.TableColumnDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.store.testing.EtcdExtension;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real client nobody here wrote: the fabric8 kubernetes-client (JDK HTTP client)
 * against an in-process API server on real etcd: create, get, list, watch, a stale
 * update (409), delete, and a SharedIndexInformer, for pods and nodes; server-side apply
 * (managedFields, a 409 conflict, forceConflicts) and server-side Tables. Pods are watched
 * the way fabric8 does by default (WebSocket), nodes over plain chunked HTTP
 * ({@code onlyHttpWatches}).
 */
@Timeout(120)
class Fabric8CompatTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static TestApiServer api;
    static KubernetesClient client;
    static KubernetesClient httpWatchClient;

    @BeforeAll
    static void start() throws Exception {
        api = TestApiServer.start(ETCD.connect(ETCD.newPrefix()), ApiServerConfig.local());
        client = fabric8(api.url(), false);
        httpWatchClient = fabric8(api.url(), true);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (httpWatchClient != null) {
            httpWatchClient.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /** A client configured only from here: no ~/.kube/config, no environment. */
    static KubernetesClient fabric8(String url, boolean onlyHttpWatches) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withNamespace("default")
                .withOnlyHttpWatches(onlyHttpWatches)
                .withRequestTimeout(10_000)
                .withConnectionTimeout(5_000)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app", "f8")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("nginx:1.25")
                .endContainer()
                .endSpec()
                .build();
    }

    static Node node(String name) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app", "f8")
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(false)
                .endSpec()
                .build();
    }

    @Test
    void pods() throws Exception {
        Pod created = crudWatchAndConflict(client.pods().inNamespace("default"), Fabric8CompatTest::pod, "p");
        assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(created.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(created.getSpec().getTolerations())
                .extracting(t -> t.getKey())
                .contains("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable");
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
        informer(client.pods().inNamespace("default"), Fabric8CompatTest::pod, "pi", "default/");
        // cluster-wide list
        assertThat(client.pods().inAnyNamespace().list().getItems()).isNotNull();
    }

    @Test
    void serverSideApplyOwnsConflictsAndForces() {
        ConfigMap mine = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("f8-ssa")
                .endMetadata()
                .addToData("a", "1")
                .build();
        ConfigMap applied =
                client.configMaps().resource(mine).fieldManager("f8").serverSideApply();
        assertThat(applied.getMetadata().getManagedFields())
                .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                .containsExactly(tuple("f8", "Apply"));
        assertThat(applied.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties())
                .containsKey("f:data");

        ConfigMap theirs = new ConfigMapBuilder(mine).addToData("a", "2").build();
        assertThatThrownBy(() -> client.configMaps()
                        .resource(theirs)
                        .fieldManager("other")
                        .serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getDetails().getCauses())
                            .extracting(c -> c.getReason(), c -> c.getField())
                            .containsExactly(tuple("FieldManagerConflict", ".data.a"));
                });
        ConfigMap forced = client.configMaps()
                .resource(theirs)
                .fieldManager("other")
                .forceConflicts()
                .serverSideApply();
        assertThat(forced.getData()).containsEntry("a", "2");
        assertThat(forced.getMetadata().getManagedFields())
                .extracting(ManagedFieldsEntry::getManager)
                .containsExactly("other");
    }

    @Test
    void tablesListAndGet() {
        Pod p = pod("f8-table");
        // a label of its own: the pods test watches app=f8
        p.getMetadata().getLabels().put("app", "f8-table");
        client.pods().resource(p).create();
        Table list = client.pods().withLabel("app", "f8-table").listAsTable();
        assertThat(list.getColumnDefinitions())
                .extracting(TableColumnDefinition::getName)
                .containsExactly(
                        "Name",
                        "Ready",
                        "Status",
                        "Restarts",
                        "Age",
                        "IP",
                        "Node",
                        "Nominated Node",
                        "Readiness Gates");
        assertThat(list.getColumnDefinitions())
                .extracting(TableColumnDefinition::getPriority)
                .containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1);
        assertThat(list.getRows())
                .anySatisfy(r -> assertThat(r.getCells()).startsWith("f8-table", "0/1", "Pending", "0"));
        Table one = client.pods().withName("f8-table").getAsTable();
        assertThat(one.getRows()).hasSize(1);
        assertThat(one.getRows().get(0).getCells().get(0)).isEqualTo("f8-table");
    }

    @Test
    void nodes() throws Exception {
        Node created = crudWatchAndConflict(httpWatchClient.nodes(), Fabric8CompatTest::node, "n");
        assertThat(created.getMetadata().getNamespace()).isNull();
        informer(httpWatchClient.nodes(), Fabric8CompatTest::node, "ni", "");
    }

    @Test
    void notFoundAndAlreadyExistsAreKubernetesClientExceptions() {
        assertThat(client.pods().inNamespace("default").withName("nosuch").get())
                .isNull();
        client.pods().inNamespace("default").resource(pod("dup")).create();
        assertThatThrownBy(() -> client.pods()
                        .inNamespace("default")
                        .resource(pod("dup"))
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                });
        assertThatThrownBy(() -> client.pods()
                        .inNamespace("default")
                        .resource(new PodBuilder()
                                .withNewMetadata()
                                .withName("Bad_Name")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("x")
                                .endContainer()
                                .endSpec()
                                .build())
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses()).isNotEmpty();
                });
    }

    private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
            T crudWatchAndConflict(NonNamespaceOperation<T, L, R> op, Function<String, T> make, String prefix)
                    throws Exception {
        String name = prefix + "-1";
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        T created;
        try (Watch ignored = op.withLabel("app", "f8").watch(new Watcher<T>() {
            @Override
            public void eventReceived(Action action, T resource) {
                events.add(action + " " + resource.getMetadata().getName() + " "
                        + resource.getMetadata().getLabels().getOrDefault("step", ""));
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("CLOSED " + cause);
            }
        })) {
            created = op.resource(make.apply(name)).create();
            assertThat(created.getMetadata().getUid()).isNotEmpty();
            assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
            assertThat(created.getMetadata().getCreationTimestamp()).endsWith("Z");
            assertThat(next(events)).isEqualTo("ADDED " + name + " ");

            T got = op.withName(name).get();
            assertThat(got.getMetadata().getUid())
                    .isEqualTo(created.getMetadata().getUid());
            assertThat(got.getMetadata().getResourceVersion())
                    .isEqualTo(created.getMetadata().getResourceVersion());

            L list = op.withLabel("app", "f8").list();
            assertThat(list.getMetadata().getResourceVersion()).isNotEmpty();
            assertThat(list.getItems())
                    .extracting(o -> o.getMetadata().getName())
                    .contains(name);
            assertThat(op.withField("metadata.name", name).list().getItems()).hasSize(1);

            // update with the current resourceVersion works ...
            got.getMetadata().getLabels().put("step", "1");
            T updated = op.resource(got).update();
            assertThat(updated.getMetadata().getResourceVersion())
                    .isNotEqualTo(created.getMetadata().getResourceVersion());
            assertThat(next(events)).isEqualTo("MODIFIED " + name + " 1");

            // ... with a stale one it is a 409 Conflict
            created.getMetadata().getLabels().put("step", "stale");
            assertThatThrownBy(() -> op.resource(created).update())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(409);
                        assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    });
            assertThat(op.withName(name).get().getMetadata().getLabels()).containsEntry("step", "1");

            // edit (a JSON patch computed by the client) and a merge patch
            op.withName(name).edit(o -> {
                o.getMetadata().getLabels().put("step", "2");
                return o;
            });
            assertThat(next(events)).isEqualTo("MODIFIED " + name + " 2");

            assertThat(op.withName(name).delete()).hasSize(1);
            assertThat(next(events)).isEqualTo("DELETED " + name + " 2");
            assertThat(op.withName(name).get()).isNull();
        }
        return created;
    }

    private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>> void informer(
            NonNamespaceOperation<T, L, R> op, Function<String, T> make, String prefix, String keyPrefix)
            throws Exception {
        op.resource(make.apply(prefix + "-before")).create();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        SharedIndexInformer<T> inf = op.withLabel("app", "f8")
                .inform(
                        new ResourceEventHandler<T>() {
                            @Override
                            public void onAdd(T obj) {
                                events.add("add " + obj.getMetadata().getName());
                            }

                            @Override
                            public void onUpdate(T oldObj, T newObj) {
                                if (!oldObj.getMetadata()
                                        .getResourceVersion()
                                        .equals(newObj.getMetadata().getResourceVersion())) {
                                    events.add("update " + newObj.getMetadata().getName() + " "
                                            + newObj.getMetadata().getLabels().getOrDefault("step", ""));
                                }
                            }

                            @Override
                            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                                events.add("delete " + obj.getMetadata().getName() + " " + deletedFinalStateUnknown);
                            }
                        },
                        0);
        try {
            assertThat(inf.hasSynced()).isTrue();
            assertThat(next(events)).isEqualTo("add " + prefix + "-before");
            String name = prefix + "-1";
            op.resource(make.apply(name)).create();
            assertThat(next(events)).isEqualTo("add " + name);
            op.withName(name).edit(o -> {
                o.getMetadata().setLabels(new java.util.HashMap<>(Map.of("app", "f8", "step", "x")));
                return o;
            });
            assertThat(next(events)).isEqualTo("update " + name + " x");
            assertThat(inf.getStore().getByKey(keyPrefix + name).getMetadata().getLabels())
                    .containsEntry("step", "x");
            op.withName(name).delete();
            assertThat(next(events)).isEqualTo("delete " + name + " false");
            assertThat(inf.getStore().getByKey(keyPrefix + name)).isNull();
            op.withName(prefix + "-before").delete();
            assertThat(next(events)).isEqualTo("delete " + prefix + "-before false");
        } finally {
            inf.close();
        }
    }

    private static String next(BlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 10s");
        }
        return e;
    }
}
