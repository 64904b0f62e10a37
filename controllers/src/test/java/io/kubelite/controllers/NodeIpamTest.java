package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Node;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NodeIpamTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static void createNodes(ControllerManagerUnderTest h, int from, int to) {
        List<CompletableFuture<Node>> fs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            fs.add(h.of(NodeKind.RESOURCE).create(ControllerManagerUnderTest.readyNode("node-" + i, Map.of())));
        }
        fs.forEach(ControllerManagerUnderTest::join);
    }

    private static void assertUnique(List<Node> nodes, int expected) {
        Map<String, String> byCidr = new HashMap<>();
        for (Node n : nodes) {
            String c = n.getSpec().getPodCidr();
            assertThat(c).as("podCIDR of " + n.getMetadata().getName()).isNotEmpty();
            assertThat(n.getSpec().getPodCidrsList()).containsExactly(c);
            String prev = byCidr.put(c, n.getMetadata().getName());
            assertThat(prev)
                    .as("CIDR " + c + " given to " + prev + " and "
                            + n.getMetadata().getName())
                    .isNull();
        }
        assertThat(byCidr).hasSize(expected);
    }

    @Test
    void fiveHundredNodesGetUniqueCidrsAcrossARestart() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(
                ETCD, "--cluster-cidr", "10.0.0.0/8", "--node-cidr-mask-size", "24", "--controllers", "nodeipam")) {
            createNodes(h, 0, 250);
            Poll.until(
                    Duration.ofSeconds(60),
                    "250 nodes with CIDRs",
                    () -> h.list(NodeKind.RESOURCE, null).stream()
                            .allMatch(n -> !n.getSpec().getPodCidr().isEmpty()));
            Map<String, String> first = new HashMap<>();
            h.list(NodeKind.RESOURCE, null)
                    .forEach(n ->
                            first.put(n.getMetadata().getName(), n.getSpec().getPodCidr()));
            // free some, then restart while more nodes arrive: the new term must rebuild from etcd
            for (int i = 0; i < 10; i++) {
                ControllerManagerUnderTest.join(h.of(NodeKind.RESOURCE).delete(null, "node-" + i));
            }
            h.stop();
            CompletableFuture<Void> more = CompletableFuture.runAsync(() -> createNodes(h, 250, 510));
            h.start();
            more.get();
            Poll.until(Duration.ofSeconds(60), "500 nodes with CIDRs", () -> {
                List<Node> ns = h.list(NodeKind.RESOURCE, null);
                return ns.size() == 500
                        && ns.stream().allMatch(n -> !n.getSpec().getPodCidr().isEmpty());
            });
            List<Node> all = h.list(NodeKind.RESOURCE, null);
            assertUnique(all, 500);
            for (Node n : all) {
                String before = first.get(n.getMetadata().getName());
                if (before != null) {
                    assertThat(n.getSpec().getPodCidr())
                            .as("a node's CIDR never changes")
                            .isEqualTo(before);
                }
            }
        }
    }

    @Test
    void exhaustedRangeIsAnEventNotACrashAndFreedCidrsAreReused() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(
                ETCD, "--cluster-cidr", "10.1.0.0/23", "--node-cidr-mask-size", "24", "--controllers", "nodeipam")) {
            createNodes(h, 0, 3);
            Poll.until(
                    Duration.ofSeconds(10),
                    "CIDRNotAvailable event",
                    () -> !h.events("CIDRNotAvailable").isEmpty());
            List<Node> ns = h.list(NodeKind.RESOURCE, null);
            assertThat(ns.stream()
                            .filter(n -> !n.getSpec().getPodCidr().isEmpty())
                            .map(n -> n.getSpec().getPodCidr()))
                    .containsExactlyInAnyOrder("10.1.0.0/24", "10.1.1.0/24");
            Node without = ns.stream()
                    .filter(n -> n.getSpec().getPodCidr().isEmpty())
                    .findFirst()
                    .orElseThrow();
            Node with = ns.stream()
                    .filter(n -> !n.getSpec().getPodCidr().isEmpty())
                    .findFirst()
                    .orElseThrow();
            assertThat(h.manager().running()).isTrue();
            ControllerManagerUnderTest.join(
                    h.of(NodeKind.RESOURCE).delete(null, with.getMetadata().getName()));
            Poll.until(
                    Duration.ofSeconds(10),
                    "freed CIDR reused",
                    () -> h.getOrNull(
                                    NodeKind.RESOURCE,
                                    null,
                                    without.getMetadata().getName())
                            .getSpec()
                            .getPodCidr()
                            .equals(with.getSpec().getPodCidr()));
        }
    }
}
