package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointSubset;
import io.kubelite.api.Endpoints;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.OwnerReference;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServiceAccount;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.controllers.util.Pods;
import io.kubelite.controllers.util.Times;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.endpoints.EndpointsKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.core.serviceaccount.ServiceAccountKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NamespaceEndpointsGcTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static Secret tokenOf(ControllerManagerUnderTest h, String ns) {
        List<Secret> s = h.list(SecretKind.RESOURCE, ns).stream()
                .filter(x -> x.getType().equals("kubernetes.io/service-account-token"))
                .toList();
        return s.size() == 1 ? s.get(0) : null;
    }

    @Test
    void namespacesAreBootstrappedAndDeleted() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            Poll.until(
                    Duration.ofSeconds(10),
                    "system namespaces",
                    () -> h.list(NamespaceKind.RESOURCE, null).stream()
                            .map(n -> n.getMetadata().getName())
                            .toList()
                            .containsAll(List.of("default", "kube-system", "kube-public", "kube-node-lease")));
            h.join(h.of(NamespaceKind.RESOURCE)
                    .create(Namespace.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName("team-a"))
                            .build()));
            Poll.until(Duration.ofSeconds(10), "team-a Active with a default ServiceAccount", () -> {
                ServiceAccount sa = h.getOrNull(ServiceAccountKind.RESOURCE, "team-a", "default");
                return sa != null
                        && h.getOrNull(NamespaceKind.RESOURCE, null, "team-a")
                                .getStatus()
                                .getPhase()
                                .equals("Active");
            });
            // kube >= 1.24: no token Secret comes with an account
            assertThat(tokenOf(h, "team-a")).isNull();
            // a deleted default account comes back, across a restart too
            h.join(h.of(ServiceAccountKind.RESOURCE).delete("team-a", "default"));
            h.restart();
            Poll.until(
                    Duration.ofSeconds(10),
                    "team-a's default ServiceAccount made again",
                    () -> h.getOrNull(ServiceAccountKind.RESOURCE, "team-a", "default") != null);
            assertThat(tokenOf(h, "team-a")).isNull();

            // content, then deletion as the API server would start it (deletionTimestamp)
            h.join(h.of(PodKind.RESOURCE)
                    .create(Pod.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("team-a")
                                    .setName("p1"))
                            .setSpec(PodSpec.newBuilder())
                            .build()));
            h.join(h.of(ServiceKind.RESOURCE)
                    .create(Service.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("team-a")
                                    .setName("s1"))
                            .build()));
            h.join(h.of(NamespaceKind.RESOURCE)
                    .guaranteedUpdate(
                            null,
                            "team-a",
                            n -> n.toBuilder()
                                    .setMetadata(n.getMetadata().toBuilder().setDeletionTimestamp(Times.nowSeconds()))
                                    .build()));
            Poll.until(
                    Duration.ofSeconds(15),
                    "team-a and everything in it gone",
                    () -> h.getOrNull(NamespaceKind.RESOURCE, null, "team-a") == null);
            assertThat(h.list(PodKind.RESOURCE, "team-a")).isEmpty();
            assertThat(h.list(ServiceKind.RESOURCE, "team-a")).isEmpty();
            assertThat(h.list(SecretKind.RESOURCE, "team-a")).isEmpty();
            assertThat(h.list(ServiceAccountKind.RESOURCE, "team-a")).isEmpty();
            // a system namespace removed behind our back comes back
            ControllerManagerUnderTest.join(h.of(NamespaceKind.RESOURCE).delete(null, "kube-public"));
            Poll.until(
                    Duration.ofSeconds(10),
                    "kube-public recreated",
                    () -> h.getOrNull(NamespaceKind.RESOURCE, null, "kube-public") != null);
        }
    }

    private static Pod webPod(String name, String ip, boolean ready) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("n1")
                        .addContainers(Container.newBuilder()
                                .setName("c")
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(8080)
                                        .setProtocol("TCP"))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setPodIp(ip)
                        .addConditions(
                                PodCondition.newBuilder().setType("Ready").setStatus(ready ? "True" : "False")))
                .build();
    }

    private static List<String> ips(List<EndpointAddress> as) {
        return as.stream().map(EndpointAddress::getIp).toList();
    }

    @Test
    void endpointsFollowReadiness() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            h.join(h.of(ServiceKind.RESOURCE)
                    .create(Service.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("web")
                                    .putLabels("tier", "front"))
                            .setSpec(ServiceSpec.newBuilder()
                                    .putSelector("app", "web")
                                    .addPorts(ServicePort.newBuilder()
                                            .setName("http")
                                            .setPort(80)
                                            .setTargetPort(Value.newBuilder().setStringValue("http")))
                                    .addPorts(ServicePort.newBuilder()
                                            .setName("metrics")
                                            .setPort(9090)
                                            .setTargetPort(Value.newBuilder().setNumberValue(9100))))
                            .build()));
            h.join(h.of(PodKind.RESOURCE).create(webPod("w1", "10.0.0.1", true)));
            h.join(h.of(PodKind.RESOURCE).create(webPod("w2", "10.0.0.2", false)));
            h.join(h.of(PodKind.RESOURCE).create(webPod("w3", "", false))); // no IP yet: left out
            Poll.until(Duration.ofSeconds(10), "Endpoints with w1 ready and w2 not ready", () -> {
                Endpoints ep = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
                return ep != null
                        && ep.getSubsetsCount() == 1
                        && ips(ep.getSubsets(0).getAddressesList()).equals(List.of("10.0.0.1"))
                        && ips(ep.getSubsets(0).getNotReadyAddressesList()).equals(List.of("10.0.0.2"));
            });
            Endpoints ep = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
            EndpointSubset s = ep.getSubsets(0);
            assertThat(s.getPortsList())
                    .extracting(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol())
                    .containsExactly("http:8080/TCP", "metrics:9100/TCP");
            EndpointAddress a = s.getAddresses(0);
            assertThat(a.getNodeName()).isEqualTo("n1");
            assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
            assertThat(a.getTargetRef().getName()).isEqualTo("w1");
            assertThat(ep.getMetadata().getLabelsMap()).containsEntry("tier", "front");

            // readiness flips are reflected within a second
            long t0 = System.nanoTime();
            ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "w2",
                            p -> p.toBuilder()
                                    .setStatus(Pods.withCondition(
                                            p.getStatus(),
                                            PodCondition.newBuilder()
                                                    .setType("Ready")
                                                    .setStatus("True")
                                                    .build()))
                                    .build()));
            Poll.until(Duration.ofSeconds(1), "w2 moved to addresses within 1 s", () -> {
                Endpoints e = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
                return ips(e.getSubsets(0).getAddressesList()).equals(List.of("10.0.0.1", "10.0.0.2"));
            });
            ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "w1",
                            p -> p.toBuilder()
                                    .setStatus(Pods.withCondition(
                                            p.getStatus(),
                                            PodCondition.newBuilder()
                                                    .setType("Ready")
                                                    .setStatus("False")
                                                    .build()))
                                    .build()));
            Poll.until(Duration.ofSeconds(1), "w1 moved to notReadyAddresses within 1 s", () -> {
                Endpoints e = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
                return ips(e.getSubsets(0).getNotReadyAddressesList()).equals(List.of("10.0.0.1"));
            });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE).delete("default", "w1"));
            Poll.until(Duration.ofSeconds(1), "deleted pod dropped", () -> {
                Endpoints e = h.getOrNull(EndpointsKind.RESOURCE, "default", "web");
                return e.getSubsets(0).getNotReadyAddressesCount() == 0;
            });
            ControllerManagerUnderTest.join(h.of(ServiceKind.RESOURCE).delete("default", "web"));
            Poll.until(
                    Duration.ofSeconds(5),
                    "Endpoints deleted with the Service",
                    () -> h.getOrNull(EndpointsKind.RESOURCE, "default", "web") == null);
        }
    }

    @Test
    void dependentsOfDeletedOwnersAreCollected() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("gc", 3, 300)));
            Poll.until(
                    Duration.ofSeconds(10),
                    "3 pods",
                    () -> h.list(PodKind.RESOURCE, "default").size() == 3);
            // a pod owned by something that never existed, and one owned by a live Service plus a dead one
            Service live = h.join(h.of(ServiceKind.RESOURCE)
                    .create(Service.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("owner"))
                            .build()));
            OwnerReference ghost = OwnerReference.newBuilder()
                    .setApiVersion("apps/v1")
                    .setKind("ReplicaSet")
                    .setName("ghost")
                    .setUid("00000000-dead")
                    .setController(true)
                    .build();
            h.join(h.of(SecretKind.RESOURCE)
                    .create(Secret.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("orphan")
                                    .addOwnerReferences(ghost))
                            .build()));
            h.join(h.of(SecretKind.RESOURCE)
                    .create(Secret.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder()
                                    .setNamespace("default")
                                    .setName("half")
                                    .addOwnerReferences(ghost.toBuilder().setController(false))
                                    .addOwnerReferences(OwnerReference.newBuilder()
                                            .setApiVersion("v1")
                                            .setKind("Service")
                                            .setName("owner")
                                            .setUid(live.getMetadata().getUid())))
                            .build()));
            // delete the ReplicaSet straight from etcd, as `kubectl delete --cascade=background` leaves it to the GC
            ControllerManagerUnderTest.join(h.of(ReplicaSetKind.RESOURCE).delete("default", "gc"));
            Poll.until(
                    Duration.ofSeconds(10),
                    "the ReplicaSet's pods collected",
                    () -> h.list(PodKind.RESOURCE, "default").isEmpty());
            Poll.until(Duration.ofSeconds(10), "orphan secret collected, half-owned one keeps its live owner", () -> {
                Secret half = h.getOrNull(SecretKind.RESOURCE, "default", "half");
                return h.getOrNull(SecretKind.RESOURCE, "default", "orphan") == null
                        && half != null
                        && half.getMetadata().getOwnerReferencesCount() == 1
                        && half.getMetadata().getOwnerReferences(0).getKind().equals("Service");
            });
        }
    }

    @Test
    void foregroundDeletionRemovesDependentsBeforeTheOwner() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            h.join(h.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("fg", 3, 300)));
            // status.replicas is counted from the process's shared pod informer, the one the garbage
            // collector indexes by owner: once it says 3, the collector can see the dependents (a
            // foreground deletion started before that would rightly find none, as kube's would)
            Poll.until(
                    Duration.ofSeconds(10),
                    "3 pods, counted by the ReplicaSet's status",
                    () -> h.list(PodKind.RESOURCE, "default").size() == 3
                            && h.getOrNull(ReplicaSetKind.RESOURCE, "default", "fg")
                                            .getStatus()
                                            .getReplicas()
                                    == 3);
            // a node so that one pod is bound and must be deleted gracefully (it lingers, terminating, and blocks)
            h.join(h.of(NodeKind.RESOURCE)
                    .create(io.kubelite.api.Node.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName("fg-node"))
                            .build()));
            String bound =
                    h.list(PodKind.RESOURCE, "default").get(0).getMetadata().getName();
            h.join(h.of(PodKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            bound,
                            p -> p.toBuilder()
                                    .setSpec(p.getSpec().toBuilder().setNodeName("fg-node"))
                                    .build()));
            // what the API server does for propagationPolicy=Foreground
            h.join(h.of(ReplicaSetKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "fg",
                            rs -> rs.toBuilder()
                                    .setMetadata(rs.getMetadata().toBuilder()
                                            .setDeletionTimestamp(com.google.protobuf.Timestamp.newBuilder()
                                                    .setSeconds(java.time.Instant.now()
                                                            .getEpochSecond()))
                                            .addFinalizers("foregroundDeletion"))
                                    .build()));
            Poll.until(Duration.ofSeconds(10), "unbound pods deleted, the bound one terminating", () -> {
                List<Pod> pods = h.list(PodKind.RESOURCE, "default");
                return pods.size() == 1
                        && pods.get(0).getMetadata().getName().equals(bound)
                        && pods.get(0).getMetadata().hasDeletionTimestamp();
            });
            // the owner waits for its blocking dependent, and the ReplicaSet controller does not replace pods
            ReplicaSet waiting = h.getOrNull(ReplicaSetKind.RESOURCE, "default", "fg");
            assertThat(waiting).isNotNull();
            assertThat(waiting.getMetadata().getFinalizersList()).contains("foregroundDeletion");
            // the kubelet finishes the graceful delete
            ControllerManagerUnderTest.join(h.of(PodKind.RESOURCE).delete("default", bound));
            Poll.until(
                    Duration.ofSeconds(10),
                    "owner removed once its dependents are gone",
                    () -> h.getOrNull(ReplicaSetKind.RESOURCE, "default", "fg") == null);
            assertThat(h.list(PodKind.RESOURCE, "default")).isEmpty();
        }
    }
}
