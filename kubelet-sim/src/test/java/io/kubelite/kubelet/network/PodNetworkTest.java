package io.kubelite.kubelet.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.ExecAction;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Probe;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.ServiceSpec;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.kubelet.KubeletSim;
import io.kubelite.kubelet.KubeletSimOptions;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.kubelet.shell.PodNetwork;
import io.kubelite.kubelet.shell.PodNetwork.Failure;
import io.kubelite.kubelet.shell.PodNetwork.Reply;
import io.kubelite.proxy.ProxyState;
import io.kubelite.proxy.RulesServer;
import io.kubelite.store.Etcd;
import io.kubelite.store.ListOptions;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Store;
import io.kubelite.store.informer.SharedInformerFactory;
import io.kubelite.store.reflector.ListerWatchers;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pod network end to end in one JVM: a real kube-proxy ({@link ProxyState} and its
 * {@link RulesServer}, informers on the test etcd) and two kubelet-sims (nodes a-0 and b-0), with
 * Services and EndpointSlices written as the EndpointSlice controller writes them.
 */
class PodNetworkTest {
    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final String AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.53";

    private final List<AutoCloseable> closers = new ArrayList<>();
    private Etcd etcd;
    private ObjectStore<Pod> pods;
    private ObjectStore<EndpointSlice> slices;
    private ObjectStore<Service> services;
    private KubeletSim simA;
    private KubeletSim simB;
    private RulesServer rulesServer;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }

    private void startCluster() throws Exception {
        etcd = ETCD.connect(ETCD.newPrefix());
        closers.add(etcd);
        Store store = new Store(etcd);
        pods = store.of(PodKind.RESOURCE);
        slices = store.of(EndpointSliceKind.RESOURCE);
        services = store.of(ServiceKind.RESOURCE);
        SharedInformerFactory informers = new SharedInformerFactory(ListerWatchers.etcd(store));
        ProxyState state = new ProxyState(
                informers,
                Set.of(),
                Optional.empty(),
                Duration.ofMillis(20),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        closers.add(informers);
        closers.add(state);
        informers.start();
        rulesServer = new RulesServer("127.0.0.1", 0, state);
        closers.add(rulesServer);
        String proxy = "127.0.0.1:" + rulesServer.port();
        simA = sim("a-", proxy);
        simB = sim("b-", proxy);
        ObjectStore<Node> nodes = store.of(NodeKind.RESOURCE);
        // the controller-manager's node IPAM: one /24 per node
        nodes.guaranteedUpdate(null, "a-0", n -> withCidr(n, "10.244.0.0/24")).join();
        nodes.guaranteedUpdate(null, "b-0", n -> withCidr(n, "10.244.1.0/24")).join();
    }

    private static Node withCidr(Node n, String cidr) {
        return n.toBuilder().setSpec(n.getSpec().toBuilder().setPodCidr(cidr)).build();
    }

    private KubeletSim sim(String prefix, String proxy) throws Exception {
        KubeletSim s = new KubeletSim(new KubeletSimOptions()
                .nodes(1)
                .nodeNamePrefix(prefix)
                .eventQps(0)
                .kubeProxyAddress(proxy));
        closers.add(s);
        s.start(etcd);
        return s;
    }

    private static Pod pod(String name, String node, Map<String, String> labels, Container.Builder c) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(name)
                        .setNamespace("default")
                        .putAllLabels(labels))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(node)
                        .setRestartPolicy("Always")
                        .addContainers(c))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Pending")
                        .addConditions(PodCondition.newBuilder()
                                .setType("PodScheduled")
                                .setStatus("True")))
                .build();
    }

    private static Container.Builder serveHostname() {
        return Container.newBuilder()
                .setName("web")
                .setImage(AGNHOST)
                .addArgs("serve-hostname")
                .addPorts(ContainerPort.newBuilder().setContainerPort(9376))
                // ready until someone creates /tmp/unready
                .setReadinessProbe(Probe.newBuilder()
                        .setExec(ExecAction.newBuilder()
                                .addCommand("sh")
                                .addCommand("-c")
                                .addCommand("test ! -e /tmp/unready"))
                        .setPeriodSeconds(1));
    }

    private Pod awaitRunning(String name) {
        return Poll.until(
                WAIT,
                name + " running with an IP",
                () -> pods.get("default", name).join(),
                p -> p.getStatus().getPhase().equals("Running")
                        && !p.getStatus().getPodIp().isEmpty());
    }

    private static boolean ready(Pod p) {
        return p.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private Service service(String name, String ip, int port, String protocol) {
        return services.create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name).setNamespace("default"))
                        .setSpec(ServiceSpec.newBuilder()
                                .setType("ClusterIP")
                                .setClusterIp(ip)
                                .addClusterIps(ip)
                                .addPorts(ServicePort.newBuilder()
                                        .setName("p")
                                        .setProtocol(protocol)
                                        .setPort(port)
                                        .setTargetPort(Value.newBuilder().setNumberValue(port))))
                        .build())
                .join();
    }

    /** The Service's EndpointSlice as the EndpointSlice controller writes it from the pods labelled {@code app}. */
    private void syncSlice(String svc, String app, int port) {
        EndpointSlice.Builder slice = EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName(svc + "-x7k2p")
                        .setNamespace("default")
                        .putLabels("kubernetes.io/service-name", svc)
                        .putLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"))
                .setAddressType("IPv4")
                .addPorts(EndpointPort.newBuilder()
                        .setName("p")
                        .setProtocol("TCP")
                        .setPort(port));
        for (Pod p : pods.list(ListOptions.all()).join().items()) {
            if (!app.equals(p.getMetadata().getLabelsMap().get("app"))
                    || p.getStatus().getPodIp().isEmpty()) {
                continue;
            }
            boolean ready = ready(p);
            slice.addEndpoints(Endpoint.newBuilder()
                    .addAddresses(p.getStatus().getPodIp())
                    .setNodeName(p.getSpec().getNodeName())
                    .setConditions(EndpointConditions.newBuilder()
                            .setReady(ready)
                            .setServing(ready)
                            .setTerminating(false)));
        }
        upsert(slice.build());
    }

    private void upsert(EndpointSlice s) {
        try {
            slices.get("default", s.getMetadata().getName()).join();
            slices.guaranteedUpdate(
                            "default",
                            s.getMetadata().getName(),
                            old -> s.toBuilder().setMetadata(old.getMetadata()).build())
                    .join();
        } catch (RuntimeException notFound) {
            slices.create(s).join();
        }
    }

    private static Reply get(PodNetwork net, String ip, int port, String path) {
        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: " + ip + "\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return net.tcp(ip, port, req, CONNECT).join();
    }

    private static String body(Reply r) {
        String s = new String(r.response(), StandardCharsets.UTF_8);
        int i = s.indexOf("\r\n\r\n");
        return i < 0 ? s : s.substring(i + 4);
    }

    /** Who answered {@code n} GETs of the Service, by count ("!" + failure for a failed one). */
    private static Map<String, Integer> spread(PodNetwork net, String ip, int port, int n) {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Reply r = get(net, ip, port, "/");
            seen.merge(r.ok() ? body(r) : "!" + r.failure() + " " + r.detail(), 1, Integer::sum);
        }
        return seen;
    }

    private PodNetwork clientNetwork() {
        awaitRunning("client");
        SimContainer c = simA.container("default", "client", "c").orElseThrow();
        return c.network();
    }

    @Test
    void serviceTrafficSpreadsOverReadyPodsOnBothKubeletSimsAndStopsAtAnUnreadyOne() throws Exception {
        startCluster();
        pods.create(pod(
                        "client",
                        "a-0",
                        Map.of(),
                        Container.newBuilder()
                                .setName("c")
                                .setImage("busybox")
                                .addCommand("sleep")
                                .addCommand("3600")))
                .join();
        pods.create(pod("web-a1", "a-0", Map.of("app", "web"), serveHostname())).join();
        pods.create(pod("web-a2", "a-0", Map.of("app", "web"), serveHostname())).join();
        pods.create(pod("web-b1", "b-0", Map.of("app", "web"), serveHostname())).join();
        service("web", "10.96.0.50", 9376, "TCP");
        service("empty", "10.96.0.51", 80, "TCP");
        for (String p : List.of("web-a1", "web-a2", "web-b1")) {
            Poll.until(WAIT, p + " ready", () -> pods.get("default", p).join(), PodNetworkTest::ready);
        }
        syncSlice("web", "web", 9376);
        PodNetwork client = clientNetwork();

        // the DNS files kube writes for a ClusterFirst pod
        SimContainer c = simA.container("default", "client", "c").orElseThrow();
        assertThat(c.filesystem().read("/etc/resolv.conf"))
                .isEqualTo("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                        + "nameserver 10.96.0.10\noptions ndots:5\n");
        assertThat(c.filesystem().read("/etc/hosts"))
                .startsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
                .endsWith(client.podIp() + "\tclient\n");

        Map<String, Integer> all = Poll.until(
                WAIT,
                "60 GETs of http://10.96.0.50:9376 answered by every ready web pod",
                () -> spread(client, "10.96.0.50", 9376, 60),
                seen -> seen.keySet().equals(Set.of("web-a1", "web-a2", "web-b1")));
        assertThat(all.values()).allMatch(n -> n >= 5); // ~20 each: the rules' 1/3, 1/2, 1 probabilities

        Reply one = get(client, "10.96.0.50", 9376, "/");
        assertThat(new String(one.response(), StandardCharsets.UTF_8))
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Length: ", "Connection: close", "Date: ");
        assertThat(one.detail()).contains("10.96.0.50:9376 -> 10.244.", "KUBE-SVC-");

        // a Service without endpoints is rejected by the filter table
        Reply refused = get(client, "10.96.0.51", 80, "/");
        assertThat(refused.failure()).as(refused.detail()).isEqualTo(Failure.REFUSED);

        // web-a2's readiness fails; the controller takes it out of the slice; kube-proxy's rules follow
        simA.container("default", "web-a2", "web").orElseThrow().filesystem().write("/tmp/unready", "", false);
        Poll.until(WAIT, "web-a2 not ready", () -> pods.get("default", "web-a2").join(), p -> !ready(p));
        syncSlice("web", "web", 9376);
        Poll.until(
                WAIT,
                "20 GETs without web-a2",
                () -> spread(client, "10.96.0.50", 9376, 20),
                seen -> !seen.containsKey("web-a2"));
        assertThat(spread(client, "10.96.0.50", 9376, 40)).containsOnlyKeys("web-a1", "web-b1");

        // kube-proxy goes away: the nodes keep their last rules
        // (for longer than the rules' refresh period, so that the refreshes fail meanwhile)
        rulesServer.close();
        Poll.holds(
                Duration.ofSeconds(1),
                "web answers from the stale rules while kube-proxy is gone",
                () -> assertThat(spread(client, "10.96.0.50", 9376, 5).keySet()).isSubsetOf("web-a1", "web-b1"));
    }

    @Test
    void podIpsAreReachedDirectlyNginxServesItsEditedFilesAndLoopbackEndpointsGetRealSockets() throws Exception {
        startCluster();
        pods.create(pod(
                        "client",
                        "a-0",
                        Map.of(),
                        Container.newBuilder()
                                .setName("c")
                                .setImage("busybox")
                                .addCommand("sleep")
                                .addCommand("3600")))
                .join();
        pods.create(pod(
                        "nginx",
                        "b-0",
                        Map.of(),
                        Container.newBuilder().setName("nginx").setImage("nginx:1.27")))
                .join();
        pods.create(pod(
                        "echo",
                        "a-0",
                        Map.of(),
                        Container.newBuilder()
                                .setName("echo")
                                .setImage("hashicorp/http-echo")
                                .addArgs("-text=hello from echo")))
                .join();
        PodNetwork client = clientNetwork();
        String nginxIp = awaitRunning("nginx").getStatus().getPodIp();
        String echoIp = awaitRunning("echo").getStatus().getPodIp();

        Reply welcome = Poll.until(
                WAIT, "nginx's welcome page through b-0's kubelet-sim", () -> get(client, nginxIp, 80, "/"), Reply::ok);
        assertThat(new String(welcome.response(), StandardCharsets.UTF_8))
                .startsWith("HTTP/1.1 200 OK\r\nServer: nginx/1.27.3\r\n")
                .contains("<title>Welcome to nginx!</title>");
        assertThat(welcome.detail()).contains("via node b-0", "default/nginx");
        assertThat(new String(get(client, nginxIp, 80, "/nope").response(), StandardCharsets.UTF_8))
                .startsWith("HTTP/1.1 404 Not Found")
                .contains("<center>nginx/1.27.3</center>");

        simB.container("default", "nginx", "nginx")
                .orElseThrow()
                .filesystem()
                .write("/usr/share/nginx/html/index.html", "edited in the container\n", false);
        assertThat(body(get(client, nginxIp, 80, "/"))).isEqualTo("edited in the container\n");

        // inside the nginx pod, localhost is its own loopback
        PodNetwork nginxNet =
                simB.container("default", "nginx", "nginx").orElseThrow().network();
        assertThat(nginxNet.podIp()).isEqualTo(nginxIp);
        assertThat(body(get(nginxNet, "127.0.0.1", 80, "/"))).isEqualTo("edited in the container\n");
        assertThat(get(nginxNet, "localhost", 5678, "/").failure()).isEqualTo(Failure.REFUSED);

        // nothing listens on 81; a port on an address no node holds times out; not HTTP gets a 400
        assertThat(get(client, nginxIp, 81, "/").failure()).isEqualTo(Failure.REFUSED);
        assertThat(client.tcp("10.250.0.1", 80, new byte[0], Duration.ofMillis(300))
                        .join()
                        .failure())
                .isEqualTo(Failure.TIMED_OUT);
        assertThat(new String(
                        client.tcp(nginxIp, 80, "hello\n".getBytes(), CONNECT)
                                .join()
                                .response(),
                        StandardCharsets.UTF_8))
                .startsWith("HTTP/1.1 400 Bad Request");
        assertThat(body(get(client, echoIp, 5678, "/"))).isEqualTo("hello from echo\n");

        // a hostNetwork endpoint on loopback (as the cluster DNS server will be): a real UDP exchange
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread echo = new Thread(
                    () -> {
                        try {
                            byte[] buf = new byte[512];
                            DatagramPacket p = new DatagramPacket(buf, buf.length);
                            server.receive(p);
                            server.send(new DatagramPacket(
                                    ("re:" + new String(buf, 0, p.getLength())).getBytes(),
                                    0,
                                    3 + p.getLength(),
                                    p.getSocketAddress()));
                        } catch (java.io.IOException closed) {
                            // the test is over
                        }
                    },
                    "udp-echo");
            echo.start();
            service("dns", "10.96.0.10", 53, "UDP");
            upsert(EndpointSlice.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder()
                            .setName("dns-abcde")
                            .setNamespace("default")
                            .putLabels("kubernetes.io/service-name", "dns"))
                    .setAddressType("IPv4")
                    .addPorts(EndpointPort.newBuilder()
                            .setName("p")
                            .setProtocol("UDP")
                            .setPort(server.getLocalPort()))
                    .addEndpoints(Endpoint.newBuilder()
                            .addAddresses("127.0.0.1")
                            .setConditions(EndpointConditions.newBuilder()
                                    .setReady(true)
                                    .setServing(true)))
                    .build());
            Reply r = Poll.until(
                    WAIT,
                    "a UDP answer from the loopback endpoint behind 10.96.0.10:53",
                    () -> client.udp("10.96.0.10", 53, "q".getBytes(), Duration.ofMillis(500))
                            .join(),
                    Reply::ok);
            assertThat(new String(r.response(), StandardCharsets.UTF_8)).isEqualTo("re:q");
            echo.join(5000);
        }
    }

    @Test
    void theEndpointSliceControllerTakesAPodWhoseReadinessFailsOutOfItsService() throws Exception {
        startCluster();
        var cm = io.kubelite.controllers.ControllerManagerMain.parse(
                "--etcd-endpoints",
                ETCD.cluster().endpointsString(),
                "--etcd-prefix",
                etcd.prefix(),
                "--health-port",
                "0",
                "--leader-elect=false",
                "--id",
                "pod-network-test",
                "--controllers=endpointslice");
        var main = cm.componentMain();
        main.start();
        closers.add(main::shutdown);
        Poll.until(
                WAIT,
                "the EndpointSlice controller running",
                () -> cm.component().running());

        pods.create(pod(
                        "client",
                        "a-0",
                        Map.of(),
                        Container.newBuilder()
                                .setName("c")
                                .setImage("busybox")
                                .addCommand("sleep")
                                .addCommand("3600")))
                .join();
        pods.create(pod("web-1", "a-0", Map.of("app", "web"), serveHostname())).join();
        pods.create(pod("web-2", "b-0", Map.of("app", "web"), serveHostname())).join();
        services.create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("web").setNamespace("default"))
                        .setSpec(ServiceSpec.newBuilder()
                                .setType("ClusterIP")
                                .setClusterIp("10.96.0.60")
                                .addClusterIps("10.96.0.60")
                                .putSelector("app", "web")
                                .addPorts(ServicePort.newBuilder()
                                        .setProtocol("TCP")
                                        .setPort(80)
                                        .setTargetPort(Value.newBuilder().setNumberValue(9376))))
                        .build())
                .join();
        PodNetwork client = clientNetwork();
        Poll.until(
                WAIT,
                "GETs of http://10.96.0.60 answered by web-1 and web-2",
                () -> spread(client, "10.96.0.60", 80, 30),
                seen -> seen.keySet().equals(Set.of("web-1", "web-2")));

        simB.container("default", "web-2", "web").orElseThrow().filesystem().write("/tmp/unready", "", false);
        Poll.until(
                WAIT,
                "GETs of http://10.96.0.60 answered by web-1 only",
                () -> spread(client, "10.96.0.60", 80, 20),
                seen -> seen.keySet().equals(Set.of("web-1")));
    }
}
