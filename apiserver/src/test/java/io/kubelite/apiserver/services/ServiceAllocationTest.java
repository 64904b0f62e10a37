package io.kubelite.apiserver.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.kubelite.apiserver.ApiServerConfig;
import io.kubelite.apiserver.testing.TestApiServer;
import io.kubelite.apiserver.testing.TestApiServer.Resp;
import io.kubelite.store.Etcd;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Service address allocation against real etcd, through two API server replicas sharing one
 * etcd prefix: concurrent creates never share an address, a restarted replica keeps what was
 * allocated, type changes allocate and free, the repair loop frees leaks and records strays,
 * and the {@code kubernetes} Service holds the range's first address.
 */
class ServiceAllocationTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    /** Small ranges, so that two replicas picking at random would collide without etcd's compare. */
    static final ServiceRanges SMALL =
            new ServiceRanges(ServiceCidr.parse("10.100.0.0/25"), NodePortRange.parse("30000-30149"));

    final List<TestApiServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestApiServer::close);
    }

    TestApiServer replica(Etcd etcd) throws Exception {
        // repair passes only when a test runs one
        TestApiServer s = TestApiServer.start(
                etcd,
                ApiServerConfig.local(),
                a -> a.withServiceRanges(SMALL).withServiceRepair(Duration.ofHours(1), 2));
        servers.add(s);
        return s;
    }

    static String svc(String name, String type, String extra) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"type\":\"" + type + "\",\"selector\":{\"app\":\"" + name + "\"}" + extra + ","
                + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"},"
                + "{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\"},"
                + "{\"name\":\"http\",\"port\":80,\"targetPort\":\"web\"}]}}";
    }

    static Resp create(TestApiServer api, String body) {
        return api.request("POST", "/api/v1/namespaces/default/services", "application/json", body);
    }

    @Test
    void twoReplicasCreatingAtOnceNeverGiveOneAddressTwice() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        TestApiServer b = replica(etcd);
        int n = 60; // 60 of 125 addresses and 60 of 150 node ports: random picks collide often
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Resp>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                TestApiServer api = i % 2 == 0 ? a : b;
                String body = svc("race-" + i, "NodePort", "");
                results.add(pool.submit(() -> {
                    go.await();
                    return create(api, body);
                }));
            }
            go.countDown();
            Map<String, List<String>> byIp = new TreeMap<>();
            Map<Integer, List<String>> byPort = new TreeMap<>();
            for (Future<Resp> f : results) {
                Resp r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.code()).as(r.body()).isEqualTo(201);
                JsonNode spec = r.json().path("spec");
                String name = r.json().path("metadata").path("name").asText();
                byIp.computeIfAbsent(spec.path("clusterIP").asText(), k -> new ArrayList<>())
                        .add(name);
                JsonNode ports = spec.path("ports");
                // 53/UDP and 53/TCP share one node port, as kube gives them; 80 has its own
                assertThat(ports.get(0).path("nodePort").asInt())
                        .isEqualTo(ports.get(1).path("nodePort").asInt());
                assertThat(ports.get(2).path("nodePort").asInt())
                        .isNotEqualTo(ports.get(0).path("nodePort").asInt());
                assertThat(ports.get(2).path("targetPort").asText()).isEqualTo("web");
                for (int p : List.of(
                        ports.get(0).path("nodePort").asInt(),
                        ports.get(2).path("nodePort").asInt())) {
                    assertThat(SMALL.nodePorts().contains(p))
                            .as("node port %d of %s", p, name)
                            .isTrue();
                    byPort.computeIfAbsent(p, k -> new ArrayList<>()).add(name);
                }
            }
            Map<String, List<String>> dupIps = new TreeMap<>();
            byIp.forEach((ip, names) -> {
                if (names.size() > 1) {
                    dupIps.put(ip, names);
                }
            });
            Map<Integer, List<String>> dupPorts = new TreeMap<>();
            byPort.forEach((p, names) -> {
                if (names.size() > 1) {
                    dupPorts.put(p, names);
                }
            });
            assertThat(dupIps).as("clusterIPs given to more than one service").isEmpty();
            assertThat(dupPorts).as("node ports given to more than one service").isEmpty();
            assertThat(byIp).hasSize(n);
            assertThat(byPort).hasSize(2 * n);
            // what etcd records is exactly what the services hold
            Reservations res = new Reservations(etcd);
            assertThat(res.ips(0).get().keySet()).containsExactlyInAnyOrderElementsOf(withKubernetes(byIp));
            assertThat(res.ports(0).get().keySet().stream()
                            .map(Integer::parseInt)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(byPort.keySet());
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> withKubernetes(Map<String, List<String>> byIp) {
        List<String> all = new ArrayList<>(byIp.keySet());
        all.add(SMALL.ips().first());
        return all;
    }

    @Test
    void oneExplicitAddressRequestedThroughBothReplicasAtOnceGoesToOne() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        TestApiServer b = replica(etcd);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                String ip = "10.100.0." + (20 + i);
                String extra = ",\"clusterIP\":\"" + ip + "\"";
                String one = svc("x-" + i, "ClusterIP", extra);
                String two = svc("y-" + i, "ClusterIP", extra);
                Future<Resp> fa = pool.submit(() -> create(a, one));
                Future<Resp> fb = pool.submit(() -> create(b, two));
                Resp ra = fa.get(30, TimeUnit.SECONDS);
                Resp rb = fb.get(30, TimeUnit.SECONDS);
                List<Integer> codes = List.of(ra.code(), rb.code());
                assertThat(codes).as(ra.body() + "\n" + rb.body()).containsExactlyInAnyOrder(201, 422);
                Resp lost = ra.code() == 422 ? ra : rb;
                assertThat(lost.json().path("message").asText())
                        .endsWith("spec.clusterIPs: Invalid value: []string{\"" + ip + "\"}: failed to allocate IP "
                                + ip + ": provided IP is already allocated");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRestartedReplicaKeepsTheAllocationsAndDeletesFreeThem() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        Resp first = create(a, svc("keep", "NodePort", ""));
        assertThat(first.code()).as(first.body()).isEqualTo(201);
        String ip = first.json().path("spec").path("clusterIP").asText();
        int port =
                first.json().path("spec").path("ports").get(2).path("nodePort").asInt();
        a.close();
        servers.remove(a);
        TestApiServer b = replica(etcd);
        Resp again = create(
                b,
                svc("thief", "NodePort", ",\"clusterIP\":\"" + ip + "\"")
                        .replace("\"port\":80,", "\"port\":80,\"nodePort\":" + port + ","));
        assertThat(again.code()).isEqualTo(422);
        assertThat(again.json().path("message").asText())
                .isEqualTo("Service \"thief\" is invalid: [spec.clusterIPs: Invalid value: []string{\"" + ip
                        + "\"}: failed to allocate IP " + ip + ": provided IP is already allocated, spec.ports[2]"
                        + ".nodePort: Invalid value: " + port + ": provided port is already allocated]");
        Reservations res = new Reservations(etcd);
        assertThat(res.ips(0).get()).containsKey(ip);
        // a failed create took nothing: the thief's other node port was freed again
        assertThat(res.ports(0).get()).hasSize(2);

        assertThat(b.request("DELETE", "/api/v1/namespaces/default/services/keep", null, null)
                        .code())
                .isEqualTo(200);
        Poll.until(Duration.ofSeconds(10), "the deleted service's addresses are free", () -> {
            try {
                return !res.ips(0).get().containsKey(ip) && res.ports(0).get().isEmpty();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Resp now = create(b, svc("now", "ClusterIP", ",\"clusterIP\":\"" + ip + "\""));
        assertThat(now.code()).as(now.body()).isEqualTo(201);
    }

    @Test
    void typeChangesAllocateAndFree() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        Reservations res = new Reservations(etcd);
        String path = "/api/v1/namespaces/default/services/t";
        Resp c = create(a, svc("t", "ClusterIP", ""));
        assertThat(c.code()).as(c.body()).isEqualTo(201);
        String ip = c.json().path("spec").path("clusterIP").asText();
        assertThat(c.json().path("spec").path("ports").get(0).has("nodePort")).isFalse();

        Resp np = patch(a, path, "{\"spec\":{\"type\":\"NodePort\"}}");
        assertThat(np.code()).as(np.body()).isEqualTo(200);
        assertThat(np.json().path("spec").path("clusterIP").asText()).isEqualTo(ip);
        int port = np.json().path("spec").path("ports").get(2).path("nodePort").asInt();
        assertThat(SMALL.nodePorts().contains(port)).isTrue();
        assertThat(np.json().path("spec").path("externalTrafficPolicy").asText())
                .isEqualTo("Cluster");
        assertThat(res.ports(0).get()).hasSize(2);

        Resp back = patch(a, path, "{\"spec\":{\"type\":\"ClusterIP\"}}");
        assertThat(back.code()).as(back.body()).isEqualTo(200);
        assertThat(back.json().path("spec").path("ports").get(2).has("nodePort"))
                .isFalse();
        Poll.until(Duration.ofSeconds(10), "node ports freed", () -> ports(res).isEmpty());

        // another address than the random one it got (1 in 126 it was .99)
        String other = ip.equals("10.100.0.99") ? "10.100.0.98" : "10.100.0.99";
        Resp changed =
                patch(a, path, "{\"spec\":{\"clusterIP\":\"" + other + "\",\"clusterIPs\":[\"" + other + "\"]}}");
        assertThat(changed.code()).isEqualTo(422);
        assertThat(changed.json().path("message").asText()).contains("may not change once set");

        Resp ext = patch(a, path, "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}}");
        assertThat(ext.code()).as(ext.body()).isEqualTo(200);
        assertThat(ext.json().path("spec").has("clusterIP")).isFalse();
        Poll.until(Duration.ofSeconds(10), "clusterIP freed", () -> !ips(res).containsKey(ip));

        Resp again = patch(a, path, "{\"spec\":{\"type\":\"ClusterIP\"}}");
        assertThat(again.code()).as(again.body()).isEqualTo(200);
        String ip2 = again.json().path("spec").path("clusterIP").asText();
        assertThat(again.json().path("spec").has("externalName"))
                .as("dropped with the type")
                .isFalse();
        assertThat(ip2).startsWith("10.100.0.");
        assertThat(ips(res)).containsKey(ip2);

        Resp stale = a.request(
                "PUT",
                path,
                "application/json",
                svc("t", "ClusterIP", "").replace("{\"name\":\"t\"}", "{\"name\":\"t\",\"resourceVersion\":\"1\"}"));
        assertThat(stale.code()).as(stale.body()).isEqualTo(409);
        assertThat(ips(res)).as("a refused update holds nothing new").hasSize(2);

        Resp outside = create(a, svc("far", "ClusterIP", ",\"clusterIP\":\"1.2.3.4\""));
        assertThat(outside.json().path("message").asText())
                .isEqualTo("Service \"far\" is invalid: spec.clusterIPs: Invalid value: []string{\"1.2.3.4\"}: "
                        + "failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The "
                        + "range of valid IPs is 10.100.0.0/25");
        Resp headless = create(a, svc("hl", "ClusterIP", ",\"clusterIP\":\"None\""));
        assertThat(headless.code()).as(headless.body()).isEqualTo(201);
        assertThat(headless.json().path("spec").path("clusterIPs").toString()).isEqualTo("[\"None\"]");
        Resp lb = create(a, svc("lb", "LoadBalancer", ""));
        assertThat(lb.code()).as(lb.body()).isEqualTo(201);
        assertThat(lb.json().path("spec").path("allocateLoadBalancerNodePorts").asBoolean())
                .isTrue();
        assertThat(lb.json().path("spec").path("ports").get(2).path("nodePort").asInt())
                .isPositive();
    }

    @Test
    void twoReplicasFillingARangeExactlyAtOnceAllSucceed() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        // a /27: 29 addresses for Services after the kubernetes one; 29 creates race for them
        ServiceRanges tight = new ServiceRanges(ServiceCidr.parse("10.201.0.0/27"), NodePortRange.parse("31000-31099"));
        List<TestApiServer> two = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestApiServer s = TestApiServer.start(
                    etcd,
                    ApiServerConfig.local(),
                    x -> x.withServiceRanges(tight).withServiceRepair(Duration.ofHours(1), 2));
            servers.add(s);
            two.add(s);
        }
        int n = (int) tight.ips().dynamicSize();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Resp>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                TestApiServer api = two.get(i % 2);
                String body = svc("fill-" + i, "ClusterIP", "");
                results.add(pool.submit(() -> {
                    go.await();
                    return create(api, body);
                }));
            }
            go.countDown();
            Map<String, List<String>> byIp = new TreeMap<>();
            List<String> failed = new ArrayList<>();
            for (Future<Resp> f : results) {
                Resp r = f.get(60, TimeUnit.SECONDS);
                if (r.code() != 201) {
                    failed.add(r.body());
                    continue;
                }
                byIp.computeIfAbsent(r.json().path("spec").path("clusterIP").asText(), k -> new ArrayList<>())
                        .add(r.json().path("metadata").path("name").asText());
            }
            assertThat(failed).as("creates refused while addresses were free").isEmpty();
            assertThat(byIp.values()).as("addresses given twice: %s", byIp).allMatch(names -> names.size() == 1);
            assertThat(byIp).hasSize(n);
        } finally {
            pool.shutdownNow();
        }
        Resp more = create(two.get(0), svc("more", "ClusterIP", ""));
        assertThat(more.code()).as(more.body()).isEqualTo(500);
    }

    @Test
    void aFullRangeRefusesTheNextServiceAndTakesNothing() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        // a /29: .1 is the kubernetes Service's, .2 to .6 are for the others
        TestApiServer a = TestApiServer.start(
                etcd,
                ApiServerConfig.local(),
                s -> s.withServiceRanges(new ServiceRanges(
                                ServiceCidr.parse("10.200.0.0/29"), NodePortRange.parse("31000-31009")))
                        .withServiceRepair(Duration.ofHours(1), 2));
        servers.add(a);
        for (int i = 0; i < 5; i++) {
            Resp r = create(a, svc("fill-" + i, "ClusterIP", ""));
            assertThat(r.code()).as(r.body()).isEqualTo(201);
        }
        Resp full = create(a, svc("one-too-many", "ClusterIP", ""));
        assertThat(full.code()).isEqualTo(500);
        assertThat(full.json().path("message").asText())
                .isEqualTo("Internal error occurred: failed to allocate a serviceIP: range is full");
        // a headless Service needs no address: still fine
        Resp headless = create(a, svc("headless", "ClusterIP", ",\"clusterIP\":\"None\""));
        assertThat(headless.code()).as(headless.body()).isEqualTo(201);
        assertThat(ips(new Reservations(etcd))).hasSize(6);
    }

    @Test
    void repairFreesLeaksAndRecordsStrays() throws Exception {
        String prefix = ETCD.newPrefix();
        Etcd etcd = ETCD.connect(prefix);
        TestApiServer a = replica(etcd);
        Reservations res = new Reservations(etcd);
        Resp c = create(a, svc("held", "NodePort", ""));
        String ip = c.json().path("spec").path("clusterIP").asText();
        java.util.Set<Integer> heldPorts = new java.util.HashSet<>();
        c.json()
                .path("spec")
                .path("ports")
                .forEach(port -> heldPorts.add(port.path("nodePort").asInt()));
        // a leak: an API server died between taking an address and writing its service (not one
        // the random allocation just gave "held")
        String leakIp = ip.equals("10.100.0.77") ? "10.100.0.78" : "10.100.0.77";
        int leakPort = java.util.stream.IntStream.of(30123, 30124, 30125)
                .filter(n -> !heldPorts.contains(n))
                .findFirst()
                .orElseThrow();
        put(etcd, res.ipKey(leakIp), "default/gone/uid-1");
        put(etcd, res.portKey(leakPort), "default/gone/uid-1");
        // a stray: a service whose address was never recorded (say, restored from a backup)
        etcd.client().getKVClient().delete(bs(res.ipKey(ip))).get();

        ServiceRepair repair = a.server().serviceRepair();
        ServiceRepair.Pass p1 = repair.runOnce().get(10, TimeUnit.SECONDS);
        assertThat(p1.freed()).as("a first sighting frees nothing").isEmpty();
        assertThat(p1.recorded()).containsExactly(res.ipKey(ip));
        ServiceRepair.Pass p2 = repair.runOnce().get(10, TimeUnit.SECONDS);
        assertThat(p2.freed()).containsExactlyInAnyOrder(res.ipKey(leakIp), res.portKey(leakPort));
        assertThat(ips(res)).containsOnlyKeys(ip, SMALL.ips().first());
        assertThat(ips(res).get(ip).owner()).startsWith("default/held/");
        // kube's repair controller reports the stray on the Service as a Warning Event
        Poll.until(
                Duration.ofSeconds(10),
                "a ClusterIPNotAllocated event on default/held",
                () -> a.get("/api/v1/namespaces/default/events")
                        .json()
                        .path("items")
                        .toString(),
                items -> items.contains("\"reason\":\"ClusterIPNotAllocated\"")
                        && items.contains("Cluster IP [IPv4]: " + ip + " is not allocated; repairing")
                        && items.contains("\"name\":\"held\""));
        ServiceRepair.Pass p3 = repair.runOnce().get(10, TimeUnit.SECONDS);
        assertThat(p3).isEqualTo(new ServiceRepair.Pass(List.of(), List.of(), List.of()));
    }

    @Test
    void theKubernetesServiceHoldsTheFirstAddress() throws Exception {
        Etcd etcd = ETCD.connect(ETCD.newPrefix());
        TestApiServer a = replica(etcd);
        JsonNode svc = Poll.until(
                        Duration.ofSeconds(20),
                        "service default/kubernetes",
                        () -> a.get("/api/v1/namespaces/default/services/kubernetes"),
                        r -> r.code() == 200)
                .json();
        assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("10.100.0.1");
        assertThat(svc.path("spec").path("ports").toString())
                .isEqualTo("[{\"name\":\"https\",\"protocol\":\"TCP\",\"port\":443,\"targetPort\":"
                        + a.server().port() + "}]");
        JsonNode ep = Poll.until(
                        Duration.ofSeconds(20),
                        "endpoints default/kubernetes",
                        () -> a.get("/api/v1/namespaces/default/endpoints/kubernetes"),
                        r -> r.code() == 200)
                .json();
        assertThat(ep.path("subsets").toString())
                .isEqualTo("[{\"addresses\":[{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"name\":\"https\",\"port\":"
                        + a.server().port() + ",\"protocol\":\"TCP\"}]}]");
        assertThat(ips(new Reservations(etcd)).get("10.100.0.1").owner()).startsWith("default/kubernetes/");
    }

    static Resp patch(TestApiServer api, String path, String body) {
        return api.request("PATCH", path, "application/merge-patch+json", body);
    }

    static Map<String, Reservations.Held> ips(Reservations res) {
        try {
            return res.ips(0).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Reservations.Held> ports(Reservations res) {
        try {
            return new HashMap<>(res.ports(0).get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void put(Etcd etcd, String key, String value) throws Exception {
        etcd.client().getKVClient().put(bs(key), bs(value)).get(10, TimeUnit.SECONDS);
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
