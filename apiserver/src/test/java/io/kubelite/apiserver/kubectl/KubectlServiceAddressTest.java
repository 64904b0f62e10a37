package io.kubelite.apiserver.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Service addresses through the real kubectl: allocated, explicit (honoured, or refused in
 * kube's words), headless, ExternalName, LoadBalancer, and {@code kubectl get svc}'s columns.
 */
class KubectlServiceAddressTest {
    @RegisterExtension
    static final KubectlCluster CLUSTER = KubectlCluster.plainHttp();

    final Kubectl kubectl = CLUSTER.kubectl();

    Kubectl.Result apply(String yaml) {
        return kubectl.run(yaml, Map.of(), "apply", "-f", "-");
    }

    @Test
    void explicitAddressesAreHonouredOrRefusedInKubesWords() {
        assertThat(apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web}
                        spec:
                          type: NodePort
                          clusterIP: 10.96.0.5
                          selector: {app: web}
                          ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}, {name: dns, port: 53, protocol: UDP}]
                        """).ok()).isEqualTo("service/web created\n");
        String row = kubectl.run("get", "svc", "web", "--no-headers").ok();
        assertThat(row).matches("web +NodePort +10\\.96\\.0\\.5 +<none> +80:30080/TCP,53:3\\d{4}/UDP +\\d+s\n");

        Kubectl.Result ip = apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: copy}
                spec: {clusterIP: 10.96.0.5, ports: [{port: 80}]}
                """);
        assertThat(ip.exitCode()).isEqualTo(1);
        assertThat(ip.err())
                .contains("The Service \"copy\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.5\"}:"
                        + " failed to allocate IP 10.96.0.5: provided IP is already allocated");
        Kubectl.Result port = apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: copy}
                spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
                """);
        assertThat(port.err())
                .contains("The Service \"copy\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port"
                        + " is already allocated");
        Kubectl.Result far = apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: copy}
                spec: {clusterIP: 1.2.3.4, ports: [{port: 80}]}
                """);
        assertThat(far.err())
                .contains("failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The"
                        + " range of valid IPs is 10.96.0.0/12");
        Kubectl.Result outside = apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: copy}
                spec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}
                """);
        assertThat(outside.err())
                .contains(
                        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range"
                                + " of valid ports is 30000-32767");
        assertThat(kubectl.run("get", "svc", "copy").err()).contains("services \"copy\" not found");
        // kubectl apply again (no clusterIP in the manifest) keeps the allocated addresses
        assertThat(apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, labels: {tier: front}}
                        spec:
                          type: NodePort
                          selector: {app: web}
                          ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}, {name: dns, port: 53, protocol: UDP}]
                        """).ok()).isEqualTo("service/web configured\n");
        assertThat(kubectl.run("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}")
                        .ok())
                .isEqualTo("10.96.0.5 30080");
    }

    @Test
    void headlessExternalNameAndLoadBalancerServices() {
        kubectl.run("create", "service", "clusterip", "db", "--clusterip=None").ok();
        kubectl.run("create", "service", "externalname", "search", "--external-name=search.example.com")
                .ok();
        kubectl.run("create", "service", "loadbalancer", "front", "--tcp=443:8443")
                .ok();
        String rows = kubectl.run("get", "svc", "db", "search", "front", "--no-headers")
                .ok();
        assertThat(rows)
                .matches("db +ClusterIP +None +<none> +<none> +\\d+s\n"
                        + "search +ExternalName +<none> +search\\.example\\.com +<none> +\\d+s\n"
                        + "front +LoadBalancer +10\\.\\d+\\.\\d+\\.\\d+ +<pending> +443:3\\d{4}/TCP +\\d+s\n");
        assertThat(kubectl.run(
                                "get",
                                "svc",
                                "front",
                                "-o",
                                "jsonpath={.spec.ipFamilies} {.spec.ipFamilyPolicy} {.spec.externalTrafficPolicy}"
                                        + " {.spec.internalTrafficPolicy} {.spec.sessionAffinity}")
                        .ok())
                .isEqualTo("[\"IPv4\"] SingleStack Cluster Cluster None");
    }

    @Test
    void serverSideApplyKeepsTheAllocatedAddresses() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: ssa}
                spec: {type: NodePort, selector: {app: ssa}, ports: [{name: http, port: 80, targetPort: 8080}]}
                """;
        assertThat(kubectl.run(yaml, Map.of(), "apply", "--server-side", "-f", "-")
                        .ok())
                .isEqualTo("service/ssa serverside-applied\n");
        String before = kubectl.run("get", "svc", "ssa", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}")
                .ok();
        assertThat(before).matches("10\\.\\d+\\.\\d+\\.\\d+ 3\\d{4}");
        assertThat(kubectl.run(
                                yaml.replace("app: ssa}", "app: ssa, tier: x}"),
                                Map.of(),
                                "apply",
                                "--server-side",
                                "-f",
                                "-")
                        .ok())
                .isEqualTo("service/ssa serverside-applied\n");
        assertThat(kubectl.run("get", "svc", "ssa", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}")
                        .ok())
                .isEqualTo(before);
    }

    @Test
    void theKubernetesServiceIsTheRangesFirstAddress() {
        String row = kubectl.run("get", "svc", "kubernetes", "--no-headers").ok();
        assertThat(row).matches("kubernetes +ClusterIP +10\\.96\\.0\\.1 +<none> +443/TCP +\\d+s\n");
    }
}
