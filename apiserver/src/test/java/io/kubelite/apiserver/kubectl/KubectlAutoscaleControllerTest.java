package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointConditions;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.apiserver.testing.NodeAgents;
import io.kubelite.apiserver.testing.SelfSignedCert;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HPA end to end as a kubectl 1.32 user sees it: a loopback HTTPS stand-in for metrics-server
 * registered as metrics-server registers itself ({@code v1beta1.metrics.k8s.io} → Service
 * kube-system/metrics-server:443, insecureSkipTLSVerify), the controller-manager's HPA controller in
 * this JVM (1 s sync period), {@code kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=5},
 * and then {@code kubectl get hpa} (TARGETS {@code cpu: 90%/50%}) and {@code kubectl describe hpa}
 * (conditions and the SuccessfulRescale Event) once the Deployment has been scaled from 2 to 4.
 */
@Timeout(120)
class KubectlAutoscaleControllerTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    static final Duration WAIT = Duration.ofSeconds(30);
    static Vertx vertx;
    static HttpServer metrics;
    static InProcessControllerManager cm;
    final Kubectl kubectl = CLUSTER.kubectl();

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(
                Files.createDirectories(CLUSTER.dir().resolve("metrics")), "metrics-server.kube-system.svc");
        vertx = Vertx.vertx();
        metrics = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(cert.certFile().toString())
                                .setKeyPath(cert.keyFile().toString())))
                .requestHandler(req -> {
                    var out = req.response().putHeader("Content-Type", "application/json");
                    if (req.path().equals("/apis/metrics.k8s.io/v1beta1")) {
                        out.end("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
                                + "\"metrics.k8s.io/v1beta1\",\"resources\":[{\"name\":\"pods\",\"singularName\":\"\","
                                + "\"namespaced\":true,\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}");
                    } else if (req.path().equals("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")) {
                        String now = Instant.now().toString();
                        out.end("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                                + "\"metadata\":{},\"items\":[" + podMetrics("web-0", now) + ","
                                + podMetrics("web-1", now) + "]}");
                    } else {
                        out.setStatusCode(404).end("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":404}");
                    }
                })
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        cm = InProcessControllerManager.start(
                CLUSTER, "cm-hpa", "horizontalpodautoscaling", "--horizontal-pod-autoscaler-sync-period=1s");
    }

    static String podMetrics(String pod, String now) {
        return "{\"metadata\":{\"name\":\"" + pod + "\",\"namespace\":\"default\"},\"timestamp\":\"" + now
                + "\",\"window\":\"15s\",\"containers\":[{\"name\":\"nginx\",\"usage\":{\"cpu\":\"90m\","
                + "\"memory\":\"20Mi\"}}]}";
    }

    @AfterAll
    static void stop() throws Exception {
        if (cm != null) {
            cm.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** A Running, Ready pod of web requesting 100m, as the kubelet would report it (written to etcd). */
    static Pod webPod(String name) {
        Instant started = Instant.now().minus(Duration.ofMinutes(10));
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .putLabels("app", "web"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName("n1")
                        .addContainers(Container.newBuilder()
                                .setName("nginx")
                                .setImage("nginx")
                                .setResources(ResourceRequirements.newBuilder().putRequests("cpu", "100m"))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setStartTime(io.kubelite.controllers.util.Times.ts(started))
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")
                                .setLastTransitionTime(io.kubelite.controllers.util.Times.ts(started))))
                .build();
    }

    @Test
    void autoscaleScalesAndKubectlShowsIt() {
        kubectl.run("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: metrics-server, namespace: kube-system}
                        spec:
                          ports: [{name: https, port: 443, targetPort: %d}]
                        ---
                        apiVersion: apiregistration.k8s.io/v1
                        kind: APIService
                        metadata: {name: v1beta1.metrics.k8s.io}
                        spec:
                          group: metrics.k8s.io
                          version: v1beta1
                          groupPriorityMinimum: 100
                          versionPriority: 100
                          insecureSkipTLSVerify: true
                          service: {namespace: kube-system, name: metrics-server}
                        """.formatted(metrics.actualPort()), Map.of(), "apply", "-f", "-")
                .ok();
        // written as the EndpointSlice controller writes a host-network pod's slice (kube refuses loopback from
        // clients)
        NodeAgents.join(CLUSTER.store()
                .of(EndpointSliceKind.RESOURCE)
                .create(EndpointSlice.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setName("metrics-server-1")
                                .setNamespace("kube-system")
                                .putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "metrics-server"))
                        .setAddressType("IPv4")
                        .addEndpoints(Endpoint.newBuilder()
                                .addAddresses("127.0.0.1")
                                .setConditions(EndpointConditions.newBuilder().setReady(true)))
                        .addPorts(EndpointPort.newBuilder()
                                .setName("https")
                                .setPort(metrics.actualPort())
                                .setProtocol("TCP"))
                        .build()));
        kubectl.run("create", "deployment", "web", "--image=nginx", "--replicas=2")
                .ok();
        NodeAgents.join(CLUSTER.store().of(PodKind.RESOURCE).create(webPod("web-0")));
        NodeAgents.join(CLUSTER.store().of(PodKind.RESOURCE).create(webPod("web-1")));

        assertThat(kubectl.run("autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5")
                        .ok())
                .isEqualTo("horizontalpodautoscaler.autoscaling/web autoscaled\n");

        // 90m of 100m = 90% against 50%: ceil(2 * 1.8) = 4
        Poll.until(
                WAIT,
                "deployment web scaled to 4",
                () -> kubectl.run("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                        .ok(),
                "4"::equals);
        String row = Poll.until(
                WAIT,
                "kubectl get hpa with the current utilization",
                () -> kubectl.run("get", "hpa", "web", "--no-headers").ok(),
                // REPLICAS is the scale the HPA last read: 2, then 4 from the sync after the rescale
                r -> r.matches("web\\s+Deployment/web\\s+cpu: 90%/50%\\s+1\\s+5\\s+[24]\\s+\\d+s\\n"));
        assertThat(row).contains("cpu: 90%/50%");

        String describe = kubectl.run("describe", "hpa", "web").ok();
        assertThat(describe)
                .contains("Reference:", "Deployment/web")
                .containsPattern("resource cpu on pods\\s+\\(as a percentage of request\\):\\s+90% \\(90m\\) / 50%")
                .containsPattern("Deployment pods:\\s+[24] current / 4 desired")
                .containsPattern("ScalingActive\\s+True\\s+ValidMetricFound")
                .containsPattern("ScalingLimited\\s+False\\s+DesiredWithinRange")
                .containsPattern(
                        "Normal\\s+SuccessfulRescale\\s+.*horizontal-pod-autoscaler\\s+New size: 4; reason: cpu resource"
                                + " utilization \\(percentage of request\\) above target");
    }
}
