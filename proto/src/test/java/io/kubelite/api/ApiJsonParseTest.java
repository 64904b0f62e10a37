package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real manifests from kubernetes.io, unknown-field reporting, and type errors. */
class ApiJsonParseTest {

  // kubernetes.io: Configure Liveness, Readiness and Startup Probes (pods/probe/exec-liveness.yaml)
  private static final String EXEC_LIVENESS =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        labels:
          test: liveness
        name: liveness-exec
      spec:
        containers:
        - name: liveness
          image: registry.k8s.io/busybox
          args:
          - /bin/sh
          - -c
          - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
          livenessProbe:
            exec:
              command:
              - cat
              - /tmp/healthy
            initialDelaySeconds: 5
            periodSeconds: 5
      """;

  @Test
  void execLivenessExample() {
    Parsed<Pod> parsed = ApiJson.parse(EXEC_LIVENESS, Pod.getDefaultInstance());
    assertThat(parsed.unknownFields()).isEmpty();
    Pod pod = parsed.message();
    assertThat(pod.getMetadata().getName()).isEqualTo("liveness-exec");
    assertThat(pod.getMetadata().getLabelsMap())
        .containsExactly(java.util.Map.entry("test", "liveness"));
    Container c = pod.getSpec().getContainers(0);
    assertThat(c.getArgsList())
        .containsExactly(
            "/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600");
    assertThat(c.getLivenessProbe().getExec().getCommandList())
        .containsExactly("cat", "/tmp/healthy");
    assertThat(c.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(5);
    assertThat(c.getLivenessProbe().getPeriodSeconds()).isEqualTo(5);
  }

  @Test
  void flowStyleArgsAsInTheBrief() {
    String block =
        "    args:\n    - /bin/sh\n    - -c\n"
            + "    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\n";
    String flow =
        "    args: [/bin/sh, -c, \"touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\"]\n";
    String yaml = EXEC_LIVENESS.replace(block, flow);
    assertThat(yaml).isNotEqualTo(EXEC_LIVENESS);
    assertThat(ApiJson.parse(yaml, Pod.getDefaultInstance()).message())
        .isEqualTo(ApiJson.parse(EXEC_LIVENESS, Pod.getDefaultInstance()).message());
  }

  @Test
  void httpLivenessExampleTakesANumericPort() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          labels:
            test: liveness
          name: liveness-http
        spec:
          containers:
          - name: liveness
            image: registry.k8s.io/e2e-test-images/agnhost:2.40
            args:
            - liveness
            livenessProbe:
              httpGet:
                path: /healthz
                port: 8080
                httpHeaders:
                - name: Custom-Header
                  value: Awesome
              initialDelaySeconds: 3
              periodSeconds: 3
        """;
    HTTPGetAction get =
        ApiJson.parse(yaml, Pod.getDefaultInstance())
            .message()
            .getSpec()
            .getContainers(0)
            .getLivenessProbe()
            .getHttpGet();
    assertThat(IntOrString.intValue(get.getPort())).isEqualTo(8080);
    assertThat(get.getHttpHeaders(0).getValue()).isEqualTo("Awesome");
  }

  @Test
  void flowStyleYamlDocument() {
    Parsed<Pod> parsed =
        ApiJson.parse(
            "{apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: c, image: busybox}]}}",
            Pod.getDefaultInstance());
    assertThat(parsed.unknownFields()).isEmpty();
    assertThat(parsed.message())
        .isEqualTo(
            Pod.newBuilder()
                .setApiVersion("v1")
                .setKind("Pod")
                .setMetadata(ObjectMeta.newBuilder().setName("x"))
                .setSpec(
                    PodSpec.newBuilder()
                        .addContainers(Container.newBuilder().setName("c").setImage("busybox")))
                .build());
  }

  @Test
  void nginxReplicaSetAndServiceWithNamedTargetPort() {
    String yaml =
        """
        # a comment before the first document
        apiVersion: v1
        kind: Service
        metadata:
          name: nginx-service
        spec:
          selector:
            app.kubernetes.io/name: proxy
          ports:
          - name: name-of-service-port
            protocol: TCP
            port: 80
            targetPort: http-web-svc
        ---
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: nginx
          labels:
            app: nginx
        spec:
          replicas: 3
          selector:
            matchLabels:
              app: nginx
          template:
            metadata:
              labels:
                app: nginx
            spec:
              containers:
              - name: nginx
                image: nginx:1.14.2
                ports:
                - containerPort: 80
                  name: http-web-svc
                resources:
                  requests: {cpu: 250m, memory: 64Mi}
        """;
    List<JsonNode> documents = ApiJson.documents(yaml);
    assertThat(documents).hasSize(2);
    assertThat(documents.stream().map(TypeMeta::of))
        .containsExactly(new TypeMeta("v1", "Service"), new TypeMeta("apps/v1", "ReplicaSet"));

    Service service = ApiJson.parse(documents.get(0), Service.getDefaultInstance()).message();
    assertThat(IntOrString.stringValue(service.getSpec().getPorts(0).getTargetPort()))
        .isEqualTo("http-web-svc");
    assertThat(service.getSpec().getSelectorMap()).containsEntry("app.kubernetes.io/name", "proxy");

    Parsed<ReplicaSet> rs = ApiJson.parse(documents.get(1), ReplicaSet.getDefaultInstance());
    assertThat(rs.unknownFields()).isEmpty();
    assertThat(rs.message().getSpec().getReplicas()).isEqualTo(3);
    Container nginx = rs.message().getSpec().getTemplate().getSpec().getContainers(0);
    assertThat(nginx.getPorts(0).getContainerPort()).isEqualTo(80);
    assertThat(Quantity.cpuMillis(nginx.getResources().getRequestsOrThrow("cpu"))).isEqualTo(250);
    assertThat(Quantity.bytes(nginx.getResources().getRequestsOrThrow("memory")))
        .isEqualTo(64L << 20);
  }

  @Test
  void nodeWithTaintsAsJson() {
    String json =
        """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
          "spec": {
            "podCIDR": "10.244.1.0/24",
            "podCIDRs": ["10.244.1.0/24"],
            "taints": [
              {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2024-05-01T10:05:00Z"},
              {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
            ]
          },
          "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": "m", "systemUUID": "u", "bootID": "b", "osImage": "Debian"}
          }
        }
        """;
    Parsed<Node> parsed = ApiJson.parse(json, Node.getDefaultInstance());
    assertThat(parsed.unknownFields()).isEmpty();
    Node node = parsed.message();
    assertThat(node.getSpec().getTaintsList())
        .extracting(Taint::getKey, Taint::getEffect)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoExecute"),
            org.assertj.core.groups.Tuple.tuple("dedicated", "NoSchedule"));
    assertThat(node.getSpec().getTaints(0).getTimeAdded().getSeconds()).isEqualTo(1714557900L);
    assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
        .isEqualTo(10250);
    assertThat(node.getStatus().getNodeInfo().getSystemUuid()).isEqualTo("u");
    assertThat(node.getSpec().getPodCidr()).isEqualTo("10.244.1.0/24");
  }

  @Test
  void unknownFieldsAreDroppedAndReportedInDocumentOrder() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          selfLink: /api/v1/namespaces/default/pods/web
        spec:
          node_name: proto-names-are-not-json-names
          containers:
          - name: app
            image: nginx
            volumeMounts:
            - {name: data, mountPath: /data, mountMode: rw}
            securityContext: {runAsUser: 1000, runAsDomain: corp}
          - name: b
            image: busybox
            ports: [{containerPort: 80, bogus: 1}]
          volumes:
          - name: data
            emptyDir: {}
            emptyDisk: {}
        status:
          phase: Pending
          resize: InProgress
        """;
    Parsed<Pod> parsed = ApiJson.parse(yaml, Pod.getDefaultInstance());
    assertThat(parsed.unknownFields())
        .containsExactly(
            "metadata.selfLink",
            "spec.node_name",
            "spec.containers[0].volumeMounts[0].mountMode",
            "spec.containers[0].securityContext.runAsDomain",
            "spec.containers[1].ports[0].bogus",
            "spec.volumes[0].emptyDisk",
            "status.resize");
    assertThat(parsed.warnings()).first().isEqualTo("unknown field \"metadata.selfLink\"");
    assertThat(parsed.message().getSpec().getContainersCount()).isEqualTo(2);
    assertThat(parsed.message().getSpec().getNodeName()).isEmpty();
    assertThat(parsed.message().getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void nullLeavesFieldsUnset() {
    String json =
        """
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "labels": null,
         "annotations": {"a": null, "b": "x"}, "deletionGracePeriodSeconds": null},
         "spec": {"clusterIP": null, "ports": [{"port": 80, "targetPort": null}], "selector": null},
         "status": null}
        """;
    Parsed<Service> parsed = ApiJson.parse(json, Service.getDefaultInstance());
    assertThat(parsed.unknownFields()).isEmpty();
    Service s = parsed.message();
    assertThat(s.hasStatus()).isFalse();
    assertThat(s.getMetadata().hasDeletionGracePeriodSeconds()).isFalse();
    assertThat(s.getMetadata().getAnnotationsMap()).containsExactly(java.util.Map.entry("b", "x"));
    assertThat(s.getSpec().getPorts(0).hasTargetPort()).isFalse();
  }

  @Test
  void int64AcceptsProto3StringFormAndWholeFloats() {
    Pod pod =
        ApiJson.parse(
                "{\"metadata\": {\"generation\": \"7\"}, \"spec\": {\"terminationGracePeriodSeconds\": 30.0}}",
                Pod.getDefaultInstance())
            .message();
    assertThat(pod.getMetadata().getGeneration()).isEqualTo(7);
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30);
  }

  @Test
  void secretDataIsBase64() {
    Secret secret =
        ApiJson.parse(
                "{kind: Secret, data: {password: czNjcjN0}, stringData: {user: admin}}",
                Secret.getDefaultInstance())
            .message();
    assertThat(secret.getDataOrThrow("password").toStringUtf8()).isEqualTo("s3cr3t");
    assertThatThrownBy(
            () -> ApiJson.parse("{data: {password: 'not base64!'}}", Secret.getDefaultInstance()))
        .isInstanceOf(ApiJsonException.class)
        .hasMessageStartingWith("data[password]: expected base64 data");
  }

  @Test
  void typeErrorsNameTheFieldPath() {
    assertError("{spec: abc}", "spec", "spec: expected an object, got string \"abc\"");
    assertError(
        "{spec: {containers: {name: c}}}",
        "spec.containers",
        "spec.containers: expected a list, got an object");
    assertError(
        "{spec: {terminationGracePeriodSeconds: abc}}",
        "spec.terminationGracePeriodSeconds",
        "spec.terminationGracePeriodSeconds: expected an integer (int64), got string \"abc\"");
    assertError(
        "{spec: {containers: [{name: c}, {name: d, ports: [{containerPort: \"80\"}]}]}}",
        "spec.containers[1].ports[0].containerPort",
        "spec.containers[1].ports[0].containerPort: expected an integer (int32), got string \"80\"");
    assertError(
        "{spec: {containers: [{name: c, ports: [{containerPort: 1.5}]}]}}",
        "spec.containers[0].ports[0].containerPort",
        "spec.containers[0].ports[0].containerPort: expected an integer (int32), got number 1.5");
    assertError(
        "{spec: {containers: [{name: c, ports: [{containerPort: 99999999999}]}]}}",
        "spec.containers[0].ports[0].containerPort",
        "spec.containers[0].ports[0].containerPort: value 99999999999 is out of range for int32 "
            + "[-2147483648, 2147483647]");
    assertError(
        "{metadata: {labels: {version: 1.0}}}",
        "metadata.labels[version]",
        "metadata.labels[version]: expected a string, got number 1.0");
    assertError(
        "{metadata: {creationTimestamp: yesterday}}",
        "metadata.creationTimestamp",
        "metadata.creationTimestamp: expected an RFC 3339 timestamp such as "
            + "\"2024-05-01T10:00:00Z\", got string \"yesterday\"");
    assertError(
        "{spec: {hostNetwork: \"yes\"}}",
        "spec.hostNetwork",
        "spec.hostNetwork: expected a boolean, got string \"yes\"");
    assertError(
        "{spec: {containers: [{name: c, livenessProbe: {httpGet: {port: true}}}]}}",
        "spec.containers[0].livenessProbe.httpGet.port",
        "spec.containers[0].livenessProbe.httpGet.port: "
            + "int-or-string must be a whole number or a string, got the boolean true");
    assertError(
        "{spec: {containers: [{name: c, livenessProbe: {tcpSocket: {port: 80.5}}}]}}",
        "spec.containers[0].livenessProbe.tcpSocket.port",
        "spec.containers[0].livenessProbe.tcpSocket.port: "
            + "int-or-string must be a whole number or a string, got the fraction 80.5");
    assertError(
        "{spec: {containers: [{args: [a, {b: c}]}]}}",
        "spec.containers[0].args[1]",
        "spec.containers[0].args[1]: expected a string, got an object");
  }

  @Test
  void malformedTextAndWrongShapes() {
    assertThatThrownBy(() -> ApiJson.parse("{\"kind\": \"Pod\",", Pod.getDefaultInstance()))
        .isInstanceOf(ApiJsonException.class)
        .hasMessageStartingWith("malformed JSON at line 1");
    assertThatThrownBy(
            () -> ApiJson.parse("kind: Pod\n  metadata: : x\n", Pod.getDefaultInstance()))
        .isInstanceOf(ApiJsonException.class)
        .hasMessageStartingWith("malformed YAML at line 2");
    assertThatThrownBy(() -> ApiJson.parse("[1, 2]", Pod.getDefaultInstance()))
        .hasMessage("expected an object, got a list");
    assertThatThrownBy(() -> ApiJson.documents("kind: Pod\n---\n- a\n"))
        .hasMessage("document 2: expected an object, got a list");
    assertThatThrownBy(() -> ApiJson.parse("kind: A\n---\nkind: B\n", Pod.getDefaultInstance()))
        .hasMessage("expected exactly one document, found 2");
    assertThatThrownBy(() -> ApiJson.parse("", Pod.getDefaultInstance()))
        .hasMessage("expected exactly one document, found 0");
    assertThatThrownBy(() -> TypeMeta.of(ApiJson.documents("{kind: 3}").get(0)))
        .isInstanceOf(ApiJsonException.class)
        .hasMessage("kind: expected a string, got number 3");
  }

  @Test
  void typeMetaSplitsGroupAndVersion() {
    TypeMeta apps =
        TypeMeta.of(ApiJson.documents("{apiVersion: apps/v1, kind: ReplicaSet}").get(0));
    assertThat(apps.group()).isEqualTo("apps");
    assertThat(apps.version()).isEqualTo("v1");
    TypeMeta core = TypeMeta.of(ApiJson.documents("{\"apiVersion\": \"v1\"}").get(0));
    assertThat(core.group()).isEmpty();
    assertThat(core.version()).isEqualTo("v1");
    assertThat(core.kind()).isEmpty();
  }

  private static void assertError(String yaml, String path, String message) {
    assertThatThrownBy(() -> ApiJson.parse(yaml, Pod.getDefaultInstance()))
        .isInstanceOf(ApiJsonException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ApiJsonException) e).path()).isEqualTo(path));
  }
}
