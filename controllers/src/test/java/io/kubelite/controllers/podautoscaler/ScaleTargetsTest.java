package io.kubelite.controllers.podautoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Deployment;
import io.kubelite.api.DeploymentSpec;
import io.kubelite.api.LabelSelector;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.autoscaling.v2.CrossVersionObjectReference;
import io.kubelite.kinds.apps.deployment.DeploymentKind;
import io.kubelite.store.Store;
import io.kubelite.store.testing.EtcdExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HPA's /scale client on real etcd: what it reads, what a write changes, and a lost race. */
class ScaleTargetsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static CrossVersionObjectReference ref(String apiVersion, String kind, String name) {
        return CrossVersionObjectReference.newBuilder()
                .setApiVersion(apiVersion)
                .setKind(kind)
                .setName(name)
                .build();
    }

    @Test
    void readsWritesAndLosesARace() throws Exception {
        Store store = new Store(ETCD.connect(ETCD.newPrefix()));
        var deployments = store.of(DeploymentKind.RESOURCE);
        deployments
                .create(Deployment.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setName("web"))
                        .setSpec(DeploymentSpec.newBuilder()
                                .setReplicas(2)
                                .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web")))
                        .build())
                .get(10, TimeUnit.SECONDS);
        ScaleTargets targets = new ScaleTargets(store, java.util.List::of);

        ScaleTargets.Scale scale = targets.get("ns", ref("apps/v1", "Deployment", "web"));
        assertThat(scale.specReplicas()).isEqualTo(2);
        assertThat(scale.selector()).isEqualTo("app=web");
        scale.update(4);
        Deployment d = deployments.get("ns", "web").get(10, TimeUnit.SECONDS);
        assertThat(d.getSpec().getReplicas()).isEqualTo(4);
        assertThat(d.getMetadata().getGeneration()).isEqualTo(2);

        // someone else writes between our read and our write: ours fails, theirs stands
        ScaleTargets.Scale stale = targets.get("ns", ref("apps/v1", "Deployment", "web"));
        deployments
                .guaranteedUpdate(
                        "ns",
                        "web",
                        x -> x.toBuilder()
                                .setSpec(x.getSpec().toBuilder().setReplicas(7))
                                .build())
                .get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stale.update(5)).hasMessageContaining("modified");
        assertThat(deployments
                        .get("ns", "web")
                        .get(10, TimeUnit.SECONDS)
                        .getSpec()
                        .getReplicas())
                .isEqualTo(7);
    }

    @Test
    void unresolvableTargetsSayWhy() {
        Store store = new Store(ETCD.connect(ETCD.newPrefix()));
        ScaleTargets targets = new ScaleTargets(store, java.util.List::of);
        assertThatThrownBy(() -> targets.get("ns", ref("apps/v1", "Deployment", "nope")))
                .hasMessage("deployments.apps \"nope\" not found");
        assertThatThrownBy(() -> targets.get("ns", ref("apps/v1", "Gizmo", "g")))
                .hasMessage("no matches for kind \"Gizmo\" in group \"apps\"");
        assertThatThrownBy(() -> targets.get("ns", ref("v1", "ConfigMap", "c")))
                .hasMessage("the server could not find the requested resource (configmaps/scale)");
        assertThatThrownBy(() -> targets.get("ns", ref("a/b/c", "Deployment", "web")))
                .hasMessage("unexpected GroupVersion string: a/b/c");
    }
}
