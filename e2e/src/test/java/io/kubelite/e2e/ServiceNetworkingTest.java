package io.kubelite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A client pod reaching a Service by name, through the cluster DNS server and its node's
 * kube-proxy rules, as the real processes run them: {@code kubectl exec client -- wget -qO-
 * http://web} answers from every ready backend; a backend whose readiness probe fails stops
 * answering and comes back; kube-proxy killed with -9 leaves its last rules in place (as a node's
 * kernel keeps them) and a restarted one follows changes again; the DNS server killed with -9
 * makes names unresolvable while cluster IPs still work, and a restarted one answers again; a
 * kubelet-sim killed with -9 takes its nodes' backends out of the Service once the node
 * lifecycle controller marks them not ready.
 */
class ServiceNetworkingTest extends E2eBase {
    private static final String FAIL = "FAIL";

    private Proc api;
    private Path manifests;

    @Test
    void aClientReachesAServiceByNameThroughReadinessFlipsProcessKillsAndANodeDeath() throws Exception {
        api = cluster.apiserverHttps("apiserver-0");
        Proc cm = cluster.controllerManager("controller-manager-0");
        Proc sched = cluster.scheduler("scheduler-0");
        int dnsPort = FreePorts.next();
        int rulesPort = FreePorts.next();
        Proc dns = cluster.dns("dns-0", dnsPort);
        Proc proxy = cluster.kubeProxy("kube-proxy-0", rulesPort);
        String[] simFlags = {"--kube-proxy-address", "127.0.0.1:" + rulesPort};
        Proc simA = cluster.kubeletSim("kubelet-sim-a", "a-node-", 2, "zone-a", simFlags);
        Proc simB = cluster.kubeletSim("kubelet-sim-b", "b-node-", 2, "zone-b", simFlags);
        cluster.awaitReady(Duration.ofSeconds(120), api, cm, sched, dns, proxy, simA, simB);
        manifests = Files.createDirectories(cluster.logs.resolve("manifests"));
        Poll.until(
                Duration.ofSeconds(60),
                "4 Ready nodes",
                () -> kubectl("get", "nodes", "--no-headers"),
                out -> out.lines().filter(l -> l.contains(" Ready ")).count() == 4);

        cluster.addons(api);
        String aNode =
                nodes().stream().filter(n -> n.startsWith("a-")).findFirst().orElseThrow();
        apply("web.yaml", WEB + CLIENT.replace("NODE", aNode));
        Map<String, String> backends = awaitBackends(4); // pod -> node
        Poll.until(
                Duration.ofSeconds(60),
                "client Running",
                () -> kubectl("get", "pod", "client", "-o", "jsonpath={.status.phase}"),
                "Running"::equals);

        // the kubelet wrote the pod's resolver files; nslookup asks the cluster DNS through the rules
        String clusterIp = kubectl("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");
        assertThat(exec("cat /etc/resolv.conf").lines().toList())
                .containsExactly(
                        "search default.svc.cluster.local svc.cluster.local cluster.local",
                        "nameserver 10.96.0.10",
                        "options ndots:5 timeout:1 attempts:1");
        assertThat(exec("nslookup web.default.svc.cluster.local"))
                .contains("Server:\t\t10.96.0.10", "Name:\tweb.default.svc.cluster.local", "Address: " + clusterIp);

        // every ready backend answers, through DNS and the rules
        Poll.until(
                Duration.ofSeconds(60),
                "40 requests to http://web answered by all 4 backends " + backends.keySet(),
                () -> answers("http://web", 40),
                seen -> seen.keySet().equals(backends.keySet()));

        // a backend whose readiness probe fails stops answering, and answers again once ready
        String flipped = backends.keySet().stream()
                .filter(p -> backends.get(p).startsWith("a-"))
                .findFirst()
                .orElseThrow();
        kubectl("exec", flipped, "--", "touch", "/tmp/unready");
        Poll.until(
                Duration.ofSeconds(30),
                "40 requests answered by the 3 ready backends only, not " + flipped,
                () -> answers("http://web", 40),
                seen -> !seen.containsKey(flipped) && !seen.containsKey(FAIL) && seen.size() == 3);
        kubectl("exec", flipped, "--", "rm", "/tmp/unready");
        Poll.until(
                Duration.ofSeconds(30),
                flipped + " answers again once ready",
                () -> answers("http://web", 40),
                seen -> seen.containsKey(flipped) && !seen.containsKey(FAIL));

        // kube-proxy killed: its last rules stay programmed, so the Service still works
        proxy.kill9();
        assertThat(answers("http://web", 20).keySet())
                .as("answers with kube-proxy dead (stale rules)")
                .isSubsetOf(backends.keySet());
        proxy.start();
        cluster.awaitReady(Duration.ofSeconds(60), proxy);
        // ... and a restarted kube-proxy follows changes again: a readiness flip takes effect
        kubectl("exec", flipped, "--", "touch", "/tmp/unready");
        Poll.until(
                Duration.ofSeconds(30),
                "after the kube-proxy restart, " + flipped + " (unready) no longer answers",
                () -> answers("http://web", 40),
                seen -> !seen.containsKey(flipped) && !seen.containsKey(FAIL) && !seen.isEmpty());
        kubectl("exec", flipped, "--", "rm", "/tmp/unready");

        // the DNS server killed: names fail, the cluster IP still answers; restarted, names work again
        dns.kill9();
        Poll.until(
                Duration.ofSeconds(40),
                "with the DNS server dead, http://web cannot be resolved",
                () -> exec("wget -qO- -T 2 http://web 2>&1 || echo FAIL"),
                out -> out.contains("bad address"));
        assertThat(answers("http://" + clusterIp, 10).keySet())
                .as("answers by cluster IP with the DNS server dead")
                .isSubsetOf(backends.keySet());
        dns.start();
        cluster.awaitReady(Duration.ofSeconds(60), dns);
        Poll.until(
                Duration.ofSeconds(40),
                "after the DNS restart, http://web resolves and answers",
                () -> answers("http://web", 10),
                seen -> !seen.isEmpty() && !seen.containsKey(FAIL));

        // a kubelet-sim killed: once its nodes are not ready, their backends leave the Service
        simB.kill9();
        Set<String> onA = backends.keySet().stream()
                .filter(p -> backends.get(p).startsWith("a-"))
                .collect(Collectors.toCollection(TreeSet::new));
        // first the Service's endpoints drop them (the node lifecycle controller marks them not
        // ready), then the client node's rules follow: until then requests to them time out
        Poll.until(
                Duration.ofSeconds(60),
                "web's Endpoints list only kubelet-sim-a's backends " + onA,
                () -> kubectl(
                        "get",
                        "endpoints",
                        "web",
                        "-o",
                        "jsonpath={range .subsets[*].addresses[*]}{.targetRef.name}{\"\\n\"}{end}"),
                out -> new TreeSet<>(out.lines().toList()).equals(onA));
        Poll.until(
                Duration.ofSeconds(30),
                "40 requests answered by kubelet-sim-a's backends " + onA + " only",
                () -> answers("http://web", 40),
                seen -> seen.keySet().equals(onA));
        cluster.assertAllAliveExcept(simB);
    }

    /** Runs {@code n} requests from the client and counts the answers by backend ({@value #FAIL} for failed ones). */
    private Map<String, Integer> answers(String url, int n) {
        String loop = IntStream.rangeClosed(1, n).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        String out = exec("for i in " + loop + "; do wget -qO- -T 2 " + url + " || echo -n " + FAIL + "; echo; done");
        Map<String, Integer> seen = new TreeMap<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty()) {
                seen.merge(l, 1, Integer::sum);
            }
        }
        return seen;
    }

    private String exec(String script) {
        return kubectl("exec", "client", "--", "sh", "-c", script);
    }

    private List<String> nodes() {
        return Arrays.asList(kubectl("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}")
                .strip()
                .split(" "));
    }

    /** Waits for {@code n} ready web pods and returns them with their nodes. */
    private Map<String, String> awaitBackends(int n) {
        return Poll.until(
                Duration.ofSeconds(90),
                n + " ready web pods, one per node",
                () -> {
                    String out = kubectl(
                            "get",
                            "pods",
                            "-l",
                            "app=web",
                            "-o",
                            "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}"
                                    + " {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}");
                    Map<String, String> ready = new TreeMap<>();
                    for (String line : out.strip().split("\n")) {
                        String[] f = line.strip().split(" ");
                        if (f.length == 3 && f[2].equals("True")) {
                            ready.put(f[0], f[1]);
                        }
                    }
                    return ready;
                },
                r -> r.size() == n && new TreeSet<>(r.values()).size() == n);
    }

    private void apply(String file, String yaml) {
        try {
            Path f = manifests.resolve(file);
            Files.writeString(f, yaml);
            kubectl("apply", "-f", f.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String kubectl(String... args) {
        return cluster.kubectl(api, args);
    }

    private static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 4
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector: {matchLabels: {app: web}}
                  containers:
                  - name: web
                    image: registry.k8s.io/e2e-test-images/agnhost:2.53
                    args: [serve-hostname]
                    ports: [{name: http, containerPort: 9376}]
                    readinessProbe:
                      exec: {command: [sh, -c, "test ! -f /tmp/unready"]}
                      periodSeconds: 1
                      failureThreshold: 1
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: http}]
            ---
            """;

    /** On a node of kubelet-sim-a, which survives; DNS timeouts short, so a dead server fails fast. */
    private static final String CLIENT = """
            apiVersion: v1
            kind: Pod
            metadata: {name: client}
            spec:
              nodeName: NODE
              dnsConfig:
                options:
                - {name: timeout, value: "1"}
                - {name: attempts, value: "1"}
              containers:
              - name: client
                image: busybox
                command: [sleep, "3600"]
            """;
}
