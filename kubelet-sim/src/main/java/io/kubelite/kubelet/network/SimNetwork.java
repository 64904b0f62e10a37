package io.kubelite.kubelet.network;

import io.kubelite.api.Node;
import io.kubelite.api.NodeAddress;
import io.kubelite.api.Pod;
import io.kubelite.kubelet.runtime.PodTraffic;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.kubelet.shell.PodNetwork;
import io.kubelite.kubelet.shell.PodNetwork.Failure;
import io.kubelite.kubelet.shell.PodNetwork.Reply;
import io.kubelite.proxy.RuleTrace;
import io.kubelite.store.runtime.RestClientMetrics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated pod network of one kubelet-sim process. Each pod gets a {@link PodNetwork}; a
 * new connection from it is routed as a node's kernel would route it:
 *
 * <ol>
 *   <li>to 127.0.0.1/localhost: the pod's own loopback, i.e. its own containers' servers;
 *   <li>else through the source node's kube-proxy rules ({@link KernelRules}, {@link RuleTrace}
 *       with a fresh seed per connection, so connections spread by the rules' probabilities):
 *       REJECT is {@link Failure#REFUSED}, DROP {@link Failure#TIMED_OUT}, DNAT the endpoint;
 *   <li>an endpoint on loopback is a hostNetwork endpoint, one of kubelite's own processes: a
 *       real TCP or UDP exchange with 127.0.0.1 (the only real sockets);
 *   <li>any other address is a simulated pod IP: answered here when the pod is on one of this
 *       process's nodes, else handed over loopback HTTP to the kubelet-sim serving the node whose
 *       {@code spec.podCIDR} holds it ({@code POST /simnet/tcp} on its kubelet endpoint, which
 *       answers through {@link #deliverTcp}). UDP to a simulated pod, and an address no node
 *       holds, time out.
 * </ol>
 *
 * Nothing sends packets to a simulated address. Exchanges run on the network's own small pool,
 * never on the caller's thread; every one completes within its timeout. {@link #start} and
 * {@link #close} are idempotent; after close every exchange fails {@link Failure#UNREACHABLE}.
 */
public final class SimNetwork implements PodTraffic, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimNetwork.class);
    private static final int THREADS = 4;
    private static final Duration HOP_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final PodDns podDns;
    private final SharedResolvConfs resolvConfs = new SharedResolvConfs();
    private final String clusterDomain;
    private final String kubeProxyAddress;
    private final Supplier<? extends Collection<Node>> nodes;
    private final RestClientMetrics restMetrics;
    private final LocalPods local = new LocalPods();
    private final Set<String> localNodes = ConcurrentHashMap.newKeySet();
    private ScheduledThreadPoolExecutor pool;
    private HttpClient http;
    private KernelRules rules;
    private boolean closed;

    /**
     * @param kubeProxyAddress host:port of kube-proxy's rules endpoint
     * @param nodes every Node in the cluster now (an informer's cache), to find a pod IP's node
     * @param restMetrics where its HTTP requests (rules fetches, hops to other kubelet-sims) are counted
     */
    public SimNetwork(
            DnsSettings dns,
            String kubeProxyAddress,
            Supplier<? extends Collection<Node>> nodes,
            RestClientMetrics restMetrics) {
        this.restMetrics = restMetrics;
        this.podDns = new PodDns(dns);
        this.clusterDomain = dns.clusterDomain();
        this.kubeProxyAddress = kubeProxyAddress;
        this.nodes = nodes;
    }

    public synchronized void start() {
        if (pool != null || closed) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "kubelet-sim-net-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        p.setRemoveOnCancelPolicy(true);
        pool = p;
        http = HttpClient.newBuilder()
                .executor(p)
                .connectTimeout(HOP_CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        rules = new KernelRules(http, restMetrics, kubeProxyAddress, System::nanoTime);
    }

    /** Node {@code name} (address {@code nodeIp}) is one of this process's: its pods are answered here. */
    public NodeNetworking forNode(String name, String nodeIp) {
        localNodes.add(name);
        return new NodeNetworking() {
            @Override
            public ResolvConf dns(Pod pod, PodEventSink events) {
                return resolvConfs.canonical(podDns.forPod(pod, events));
            }

            @Override
            public void attach(Pod pod, String podIp, ResolvConf dns, SimContainer c) {
                var fs = c.filesystem();
                if (!fs.exists("/etc/resolv.conf")) {
                    fs.writeShared("/etc/resolv.conf", resolvConfs.file(dns));
                }
                if (!fs.exists("/etc/hosts")) {
                    fs.writeGenerated("/etc/hosts", PodHostsFile.generated(pod, podIp, clusterDomain, name, nodeIp));
                }
                SimulatedServer.of(c.spec()).seed(fs);
                var m = pod.getMetadata();
                local.attach(podIp, m.getNamespace(), m.getName(), m.getUid(), name, c);
                c.network(new RoutedPodNetwork(SimNetwork.this, new Source(name, nodeIp, podIp)));
            }

            @Override
            public void release(String uid) {
                local.release(uid);
            }
        };
    }

    /** Where a connection comes from: the pod's node and IP. */
    record Source(String node, String nodeIp, String podIp) {}

    CompletableFuture<Reply> connect(Source src, String proto, String dst, int port, byte[] payload, Duration timeout) {
        if (src.podIp().isEmpty()) {
            return done(Reply.failed(Failure.UNREACHABLE, "the pod has no IP"));
        }
        if (!IpAddresses.isLiteral(dst) && !dst.equals("localhost")) {
            return done(Reply.failed(Failure.UNREACHABLE, "not an address: " + dst));
        }
        ScheduledThreadPoolExecutor p;
        KernelRules r;
        synchronized (this) {
            p = pool;
            r = rules;
        }
        if (p == null || closed) {
            return done(Reply.failed(Failure.UNREACHABLE, "the pod network is not running"));
        }
        int sport = ThreadLocalRandom.current().nextInt(32768, 61000);
        CompletableFuture<Reply> exchange;
        try {
            if (IpAddresses.isLoopback(dst)) {
                exchange = CompletableFuture.supplyAsync(
                        () -> proto.equals("UDP")
                                ? Reply.failed(Failure.TIMED_OUT, "nothing answers UDP in a simulated pod")
                                : deliverTo(src.podIp(), "127.0.0.1", sport, port, payload, dst + ":" + port),
                        p);
            } else {
                exchange = r.forNode(src.node())
                        .thenComposeAsync(trace -> route(src, proto, dst, port, payload, sport, trace, timeout), p);
            }
        } catch (RejectedExecutionException e) {
            return done(Reply.failed(Failure.UNREACHABLE, "the pod network is not running"));
        }
        return bounded(exchange, timeout, p, dst + ":" + port);
    }

    /**
     * Completes with {@code exchange}'s reply, except that a TIMED_OUT reply (a DROP, an address
     * nothing routes to) is only given once {@code timeout} passes, as a client sees it.
     */
    private static CompletableFuture<Reply> bounded(
            CompletableFuture<Reply> exchange, Duration timeout, ScheduledThreadPoolExecutor p, String what) {
        CompletableFuture<Reply> out = new CompletableFuture<>();
        AtomicReference<String> detail =
                new AtomicReference<>(what + ": no answer within " + timeout.toMillis() + "ms");
        ScheduledFuture<?> timer;
        try {
            timer = p.schedule(
                    () -> out.complete(Reply.failed(Failure.TIMED_OUT, detail.get())),
                    Math.max(0, timeout.toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return done(Reply.failed(Failure.UNREACHABLE, "the pod network is not running"));
        }
        exchange.whenComplete((reply, err) -> {
            if (err != null) {
                LOG.warn("pod network exchange to {} failed", what, err);
                detail.set(what + ": " + err);
            } else if (reply.failure() == Failure.TIMED_OUT) {
                detail.set(reply.detail());
            } else {
                timer.cancel(false);
                out.complete(reply);
            }
        });
        return out;
    }

    private CompletableFuture<Reply> route(
            Source src,
            String proto,
            String dst,
            int port,
            byte[] payload,
            int sport,
            Optional<RuleTrace> trace,
            Duration timeout) {
        String target = dst;
        int targetPort = port;
        String path = dst + ":" + port;
        boolean dnat = false;
        if (trace.isPresent()) {
            RuleTrace.Result t = trace.get()
                    .trace(
                            src.podIp(),
                            dst,
                            port,
                            proto,
                            Set.of(src.nodeIp()),
                            ThreadLocalRandom.current().nextLong());
            String via = via(t.chains());
            switch (t.verdict()) {
                case "REJECT" -> {
                    return done(Reply.failed(Failure.REFUSED, path + " rejected" + via));
                }
                case "DROP" -> {
                    return done(Reply.failed(Failure.TIMED_OUT, path + " dropped" + via));
                }
                case "DNAT" -> {
                    int colon = t.endpoint().lastIndexOf(':');
                    target = t.endpoint().substring(0, colon);
                    targetPort = Integer.parseInt(t.endpoint().substring(colon + 1));
                    path = path + " -> " + t.endpoint() + via;
                    dnat = true;
                }
                default -> {
                    // no service rule: the original destination
                }
            }
        }
        if (dnat && IpAddresses.isLoopback(target)) {
            return done(
                    proto.equals("UDP")
                            ? LoopbackExchange.udp(targetPort, payload, timeout, path)
                            : LoopbackExchange.tcp(targetPort, payload, timeout, path));
        }
        if (proto.equals("UDP")) {
            return done(Reply.failed(Failure.TIMED_OUT, path + ": nothing answers UDP in a simulated pod"));
        }
        if (local.get(target).isPresent()) {
            return done(deliverTo(target, src.podIp(), sport, targetPort, payload, path));
        }
        Optional<Node> node = nodeHolding(target);
        if (node.isEmpty()) {
            return done(Reply.failed(Failure.TIMED_OUT, path + ": no node's podCIDR holds " + target));
        }
        if (localNodes.contains(node.get().getMetadata().getName())) {
            return done(Reply.failed(
                    Failure.TIMED_OUT,
                    path + ": no pod has " + target + " on node "
                            + node.get().getMetadata().getName()));
        }
        return hop(node.get(), src.podIp(), sport, target, targetPort, payload, timeout, path);
    }

    /** " (KUBE-SVC-... KUBE-SEP-...)": the service and endpoint chains a connection went through. */
    private static String via(List<String> chains) {
        List<String> named = chains.stream()
                .filter(c -> c.startsWith("KUBE-SVC-")
                        || c.startsWith("KUBE-SVL-")
                        || c.startsWith("KUBE-SEP-")
                        || c.startsWith("KUBE-EXT-"))
                .toList();
        return named.isEmpty() ? "" : " (" + String.join(" ", named) + ")";
    }

    private Optional<Node> nodeHolding(String ip) {
        for (Node n : nodes.get()) {
            if (IpAddresses.inCidr(ip, n.getSpec().getPodCidr())) {
                return Optional.of(n);
            }
            for (String c : n.getSpec().getPodCidrsList()) {
                if (IpAddresses.inCidr(ip, c)) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    /** The exchange handed to the kubelet-sim serving {@code node}, over loopback HTTP. */
    private CompletableFuture<Reply> hop(
            Node node, String srcIp, int sport, String dst, int port, byte[] payload, Duration timeout, String path) {
        String address = node.getStatus().getAddressesList().stream()
                .filter(a -> a.getType().equals("InternalIP"))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse("");
        int kubeletPort =
                node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        String name = node.getMetadata().getName();
        if (address.isEmpty() || kubeletPort <= 0) {
            return done(Reply.failed(Failure.TIMED_OUT, path + ": node " + name + " has no kubelet endpoint"));
        }
        String host = address.contains(":") ? "[" + address + "]" : address;
        URI uri = URI.create("http://" + host + ":" + kubeletPort + "/simnet/tcp?src=" + enc(srcIp) + "&sport=" + sport
                + "&dst=" + enc(dst) + "&port=" + port);
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        String via = path + " via node " + name;
        return restMetrics
                .observe(req, http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()))
                .handle((resp, err) -> {
                    if (err != null) {
                        return Reply.failed(
                                Failure.TIMED_OUT, via + ": its kubelet-sim is unreachable: " + err.getMessage());
                    }
                    if (resp.statusCode() != 200) {
                        return Reply.failed(
                                Failure.TIMED_OUT, via + ": its kubelet-sim answered HTTP " + resp.statusCode());
                    }
                    String remote = resp.headers().firstValue(DETAIL_HEADER).orElse("");
                    Optional<String> failure = resp.headers().firstValue(FAILURE_HEADER);
                    if (failure.isPresent()) {
                        try {
                            return Reply.failed(Failure.valueOf(failure.get()), via + remote);
                        } catch (IllegalArgumentException e) {
                            return Reply.failed(Failure.TIMED_OUT, via + ": unknown failure " + failure.get());
                        }
                    }
                    return Reply.of(resp.body(), via + remote);
                });
    }

    /** Response headers of {@code POST /simnet/tcp}: the failure, if any, and how the pod answered. */
    public static final String FAILURE_HEADER = "X-Simnet-Failure";

    public static final String DETAIL_HEADER = "X-Simnet-Detail";

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A TCP exchange another kubelet-sim routed here. */
    @Override
    public CompletableFuture<Reply> deliverTcp(String srcIp, int srcPort, String dstIp, int dstPort, byte[] request) {
        ScheduledThreadPoolExecutor p;
        synchronized (this) {
            p = pool;
        }
        if (p == null || closed) {
            return done(Reply.failed(Failure.TIMED_OUT, "the pod network is not running"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> deliverTo(dstIp, srcIp, srcPort, dstPort, request, ""), p);
        } catch (RejectedExecutionException e) {
            return done(Reply.failed(Failure.TIMED_OUT, "the pod network is not running"));
        }
    }

    /** The answer of pod {@code podIp}'s server on {@code port} to {@code clientIp:clientPort}. */
    private Reply deliverTo(String podIp, String clientIp, int clientPort, int port, byte[] request, String path) {
        Optional<LocalPods.LocalPod> pod = local.get(podIp);
        if (pod.isEmpty()) {
            return Reply.failed(Failure.TIMED_OUT, path + ": no pod has " + podIp);
        }
        LocalPods.LocalPod p = pod.get();
        String who = " [" + p.namespace() + "/" + p.name() + "]";
        for (SimContainer c : p.containers().values()) {
            SimulatedServer server = SimulatedServer.of(c.spec());
            if (server.listens(c, port)) {
                return Reply.of(server.answer(c, p.name(), request, clientIp, clientPort), path + who);
            }
        }
        return Reply.failed(Failure.REFUSED, path + who + ": nothing listens on port " + port);
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
