package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Lease;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.Etcd;
import io.kubelite.store.Store;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.testing.ChildJvm;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two real controller-manager processes; the active one is killed with SIGKILL; the standby carries on, doing nothing twice. */
class FailoverProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static Process launch(String prefix, String id, Path log) throws Exception {
        ProcessBuilder pb = ChildJvm.builder(
                        List.of("-Xmx256m"),
                        ControllerManagerMain.class,
                        List.of(
                                "--etcd-endpoints",
                                String.join(",", ETCD.cluster().endpoints()),
                                "--etcd-prefix",
                                prefix,
                                "--id",
                                id,
                                "--leader-lease-duration",
                                "2s",
                                "--health-port",
                                "0",
                                "--cluster-cidr",
                                "10.0.0.0/12",
                                "--node-monitor-period",
                                "1s"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("ETCD_ENDPOINTS");
        return pb.start();
    }

    /** What the polls compare, printed as seen when one times out. */
    private record PodsAndCidrs(int pods, long cidrs) {}

    private static PodsAndCidrs podsAndCidrs(Informer<Pod> pods, Informer<Node> nodes) {
        return new PodsAndCidrs(
                pods.list().size(),
                nodes.list().stream()
                        .filter(n -> !n.getSpec().getPodCidr().isEmpty())
                        .count());
    }

    private static String holder(Store store) {
        try {
            Lease l = ControllerManagerUnderTest.join(
                    store.of(LeaseKind.RESOURCE).get("kube-system", ControllerManagerMain.NAME));
            return l.getSpec().getHolderIdentity();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void standbyContinuesAfterKill9WithNothingDoneTwice() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        Store store = new Store(etcd);
        Path dir = Files.createTempDirectory("cm-failover");
        Map<String, Process> procs = new HashMap<>();
        Informer<Pod> pods =
                new Informer<>(store.of(PodKind.RESOURCE), "default"); // not kube-system: the processes' mirror pods
        Informer<Node> nodes = new Informer<>(store.of(NodeKind.RESOURCE), null);
        try {
            AtomicInteger podCreates = new AtomicInteger();
            Set<String> cidrChanges = ConcurrentHashMap.newKeySet();
            pods.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod p) {
                    podCreates.incrementAndGet();
                }
            });
            nodes.addHandler(new ResourceEventHandler<>() {
                @Override
                public void onUpdate(Node o, Node n) {
                    if (!o.getSpec().getPodCidr().isEmpty()
                            && !o.getSpec().getPodCidr().equals(n.getSpec().getPodCidr())) {
                        cidrChanges.add(n.getMetadata().getName());
                    }
                }
            });
            pods.start();
            nodes.start();
            procs.put("cm-a", launch(prefix, "cm-a", dir.resolve("cm-a.log")));
            procs.put("cm-b", launch(prefix, "cm-b", dir.resolve("cm-b.log")));
            String leader = Poll.value(Duration.ofSeconds(60), "a leader", () -> holder(store));
            String standby = leader.equals("cm-a") ? "cm-b" : "cm-a";

            ControllerManagerUnderTest.join(
                    store.of(ReplicaSetKind.RESOURCE).create(NodeLifecycleTest.rs("ha", 20, 300)));
            for (int i = 0; i < 20; i++) {
                ControllerManagerUnderTest.join(
                        store.of(NodeKind.RESOURCE).create(ControllerManagerUnderTest.readyNode("ha-" + i, Map.of())));
            }
            Poll.until(
                    Duration.ofSeconds(60),
                    "20 pods and 20 CIDRs from the first leader",
                    () -> podsAndCidrs(pods, nodes),
                    seen -> seen.equals(new PodsAndCidrs(20, 20)));

            procs.get(leader).destroyForcibly().waitFor();
            ControllerManagerUnderTest.join(store.of(ReplicaSetKind.RESOURCE)
                    .guaranteedUpdate(
                            "default",
                            "ha",
                            rs -> rs.toBuilder()
                                    .setSpec(rs.getSpec().toBuilder().setReplicas(40))
                                    .build()));
            for (int i = 20; i < 40; i++) {
                ControllerManagerUnderTest.join(
                        store.of(NodeKind.RESOURCE).create(ControllerManagerUnderTest.readyNode("ha-" + i, Map.of())));
            }
            Poll.until(Duration.ofSeconds(30), "the standby leads", () -> standby.equals(holder(store)));
            Poll.until(
                    Duration.ofSeconds(60),
                    "40 pods and 40 CIDRs",
                    () -> podsAndCidrs(pods, nodes),
                    seen -> seen.equals(new PodsAndCidrs(40, 40)));
            Poll.holds(
                    Duration.ofSeconds(2),
                    "40 pods, no late create",
                    () -> assertThat(pods.list()).hasSize(40));
            assertThat(podCreates.get()).as("exactly 40 pods ever created").isEqualTo(40);
            assertThat(cidrChanges).as("no node's CIDR reassigned").isEmpty();
            Set<String> cidrs = ConcurrentHashMap.newKeySet();
            for (Node n : nodes.list()) {
                assertThat(cidrs.add(n.getSpec().getPodCidr()))
                        .as("unique CIDR " + n.getSpec().getPodCidr())
                        .isTrue();
            }
            assertThat(Files.readString(dir.resolve(standby + ".log"))).contains("started leading");
        } catch (AssertionError failed) {
            // the logs go with the temp dir: their ends go with the failure
            for (String name : procs.keySet()) {
                List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
                failed.addSuppressed(new AssertionError(name + ".log, last lines:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))));
            }
            throw failed;
        } finally {
            pods.close();
            nodes.close();
            for (Process p : procs.values()) {
                p.destroyForcibly();
                p.waitFor();
            }
            for (File f : dir.toFile().listFiles()) {
                f.delete();
            }
            dir.toFile().delete();
        }
    }
}
