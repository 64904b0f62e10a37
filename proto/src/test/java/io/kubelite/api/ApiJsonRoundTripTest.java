package io.kubelite.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ApiJsonRoundTripTest {

  @ParameterizedTest
  @MethodSource("io.kubelite.api.PopulatedObjects#all")
  void compactJson(Message message) {
    assertRoundTrip(ApiJson.toJson(message), message);
  }

  @ParameterizedTest
  @MethodSource("io.kubelite.api.PopulatedObjects#all")
  void prettyJson(Message message) {
    assertRoundTrip(ApiJson.toPrettyJson(message), message);
  }

  @ParameterizedTest
  @MethodSource("io.kubelite.api.PopulatedObjects#all")
  void yaml(Message message) {
    assertRoundTrip(ApiJson.toYaml(message), message);
  }

  /** Our output is valid proto3 JSON, and proto3 JSON (int64 as strings) reads back. */
  @ParameterizedTest
  @MethodSource("io.kubelite.api.PopulatedObjects#all")
  void interoperatesWithProto3JsonFormat(Message message) throws Exception {
    Message.Builder viaJsonFormat = message.newBuilderForType();
    JsonFormat.parser().merge(ApiJson.toJson(message), viaJsonFormat);
    assertThat(viaJsonFormat.build()).isEqualTo(message);

    assertRoundTrip(JsonFormat.printer().print(message), message);
  }

  @Test
  void int64FieldsAreJsonNumbers() throws Exception {
    JsonNode pod = new ObjectMapper().readTree(ApiJson.toJson(PopulatedObjects.pod()));
    assertThat(pod.at("/spec/terminationGracePeriodSeconds").isIntegralNumber()).isTrue();
    assertThat(pod.at("/spec/terminationGracePeriodSeconds").longValue()).isEqualTo(30);
    assertThat(pod.at("/metadata/generation").isIntegralNumber()).isTrue();
    assertThat(pod.at("/metadata/generation").longValue()).isEqualTo(1);
    assertThat(pod.at("/spec/tolerations/0/tolerationSeconds").isIntegralNumber()).isTrue();
    assertThat(ApiJson.toJson(PopulatedObjects.pod()))
        .contains("\"generation\":1,")
        .contains("\"terminationGracePeriodSeconds\":30,");
  }

  @Test
  void intOrStringKeepsItsKindAndPrintsWholeNumbersWithoutFraction() {
    String json = ApiJson.toJson(PopulatedObjects.service());
    assertThat(json).contains("\"targetPort\":\"http\"").contains("\"targetPort\":9090}");
    assertThat(ApiJson.toJson(PopulatedObjects.pod())).contains("\"tcpSocket\":{\"port\":80,");
  }

  /** MicroTime (Go's RFC3339Micro) has exactly six digits: kubectl rejects nine, and also none. */
  @Test
  void microTimeFieldsHaveExactlySixFractionalDigits() {
    Event e =
        Event.newBuilder()
            .setEventTime(PopulatedObjects.ts("2026-12-04T12:25:28.020499858Z"))
            .setLastTimestamp(PopulatedObjects.ts("2026-12-04T12:25:28Z"))
            .build();
    JsonNode tree = ApiJson.toTree(e);
    assertThat(tree.get("eventTime").textValue()).isEqualTo("2026-12-04T12:25:28.020499Z");
    // a plain Time keeps RFC 3339 without a fraction
    assertThat(tree.get("lastTimestamp").textValue()).isEqualTo("2026-12-04T12:25:28Z");

    LeaseSpec whole =
        LeaseSpec.newBuilder()
            .setAcquireTime(PopulatedObjects.ts("2026-12-04T12:25:28Z"))
            .setRenewTime(PopulatedObjects.ts("1969-12-31T23:59:59.5Z"))
            .build();
    JsonNode lease = ApiJson.toTree(whole);
    assertThat(lease.get("acquireTime").textValue()).isEqualTo("2026-12-04T12:25:28.000000Z");
    assertThat(lease.get("renewTime").textValue()).isEqualTo("1969-12-31T23:59:59.500000Z");

    // and it reads back
    assertThat(
            ApiJson.parse(ApiJson.toJson(e), Event.getDefaultInstance()).message().getEventTime())
        .isEqualTo(PopulatedObjects.ts("2026-12-04T12:25:28.020499Z"));
  }

  @Test
  void kubernetesNamesTimestampsAndPresence() throws Exception {
    JsonNode pod = ApiJson.toTree(PopulatedObjects.pod());
    assertThat(pod.at("/metadata/creationTimestamp").textValue()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(pod.at("/metadata/deletionTimestamp").textValue())
        .isEqualTo("2024-05-01T11:00:30.123456Z");
    // Explicit presence: a grace period of 0 means "now" and must print.
    assertThat(pod.at("/metadata/deletionGracePeriodSeconds").isIntegralNumber()).isTrue();
    assertThat(pod.at("/status/hostIP").textValue()).isEqualTo("10.0.0.11");
    assertThat(pod.at("/status/podIPs/1/ip").textValue()).isEqualTo("fd00::7");
    assertThat(pod.at("/status/containerStatuses/0/imageID").isTextual()).isTrue();
    assertThat(pod.at("/status/containerStatuses/0/containerID").isTextual()).isTrue();
    // proto3 defaults are omitted: restartCount 0 and ready false on the sidecar.
    assertThat(pod.at("/status/containerStatuses/2").has("restartCount")).isFalse();
    assertThat(pod.at("/status/containerStatuses/2").has("ready")).isFalse();
    assertThat(pod.at("/spec/containers/0/resources/limits").fieldNames())
        .toIterable()
        .containsExactly("cpu", "memory");

    JsonNode node = ApiJson.toTree(PopulatedObjects.node());
    assertThat(node.at("/spec/podCIDR").textValue()).isEqualTo("10.244.1.0/24");
    assertThat(node.at("/status/daemonEndpoints/kubeletEndpoint/Port").intValue()).isEqualTo(10250);
    assertThat(node.at("/status/nodeInfo/systemUUID").isTextual()).isTrue();
    // Field order follows field numbers: apiVersion, kind, metadata, spec, status.
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactly("apiVersion", "kind", "metadata", "spec", "status");
  }

  @Test
  void mapKeysAreSortedAsGoSortsThem() {
    Pod pod =
        Pod.newBuilder()
            .setMetadata(
                ObjectMeta.newBuilder()
                    .putLabels("zeta", "1")
                    .putLabels("alpha", "2")
                    .putLabels("Mid", "3"))
            .build();
    assertThat(ApiJson.toJson(pod))
        .isEqualTo("{\"metadata\":{\"labels\":{\"Mid\":\"3\",\"alpha\":\"2\",\"zeta\":\"1\"}}}");
  }

  @Test
  void prettyJsonLooksLikeKubectl() {
    Pod pod =
        Pod.newBuilder()
            .setApiVersion("v1")
            .setKind("Pod")
            .setMetadata(ObjectMeta.newBuilder().setName("x").addFinalizers("a"))
            .build();
    assertThat(ApiJson.toPrettyJson(pod))
        .isEqualTo(
            """
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "x",
                "finalizers": [
                    "a"
                ]
            }
        }""");
  }

  @Test
  void yamlQuotesOnlyStringsThatWouldChangeType() {
    Pod pod =
        Pod.newBuilder()
            .setApiVersion("v1")
            .setKind("Pod")
            .setMetadata(
                ObjectMeta.newBuilder()
                    .setName("x")
                    .putLabels("version", "1.0")
                    .putLabels("enabled", "true")
                    .putLabels("empty", "")
                    .putLabels("answer", "no")
                    .putLabels("nothing", "null")
                    .putAnnotations("note", "a: b # c"))
            .setSpec(
                PodSpec.newBuilder()
                    .addContainers(
                        Container.newBuilder()
                            .setName("c")
                            .addAllArgs(
                                java.util.List.of("/bin/sh", "-c", "touch /tmp/healthy; sleep 30"))
                            .setLivenessProbe(
                                Probe.newBuilder()
                                    .setHttpGet(
                                        HTTPGetAction.newBuilder().setPort(IntOrString.of("8080"))))
                            .setReadinessProbe(
                                Probe.newBuilder()
                                    .setHttpGet(
                                        HTTPGetAction.newBuilder().setPort(IntOrString.of(8080))))))
            .build();
    String yaml = ApiJson.toYaml(pod);
    assertThat(yaml)
        .startsWith("apiVersion: v1\nkind: Pod\n")
        .contains("- touch /tmp/healthy; sleep 30\n")
        .contains("port: \"8080\"\n")
        .contains("port: 8080\n");
    assertRoundTrip(yaml, pod);
  }

  @Test
  void yamlQuotesWhatYaml11WouldReadAsNumbersOrTimestamps() {
    ObjectMeta.Builder meta = ObjectMeta.newBuilder();
    for (String v :
        java.util.List.of(
            "0x10",
            "1e3",
            "1_000",
            "1:30",
            "2024-05-01",
            ".inf",
            "0o17",
            "yes",
            "off",
            "~",
            "012",
            "-1.5")) {
      meta.putAnnotations("a" + meta.getAnnotationsCount(), v);
    }
    meta.putLabels("ip", "10.0.0.11").putLabels("cpu", "500m").putLabels("mem", "1Gi");
    meta.setCreationTimestamp(PopulatedObjects.ts("2024-05-01T10:00:00Z"));
    Pod pod = Pod.newBuilder().setMetadata(meta).build();
    String yaml = ApiJson.toYaml(pod);
    for (String v : meta.getAnnotationsMap().values()) {
      assertThat(yaml)
          .as(v)
          .containsPattern(": [\"']" + java.util.regex.Pattern.quote(v) + "[\"']\n");
    }
    assertThat(yaml)
        .contains(
            "ip: 10.0.0.11\n",
            "cpu: 500m\n",
            "mem: 1Gi\n",
            "creationTimestamp: \"2024-05-01T10:00:00Z\"\n");
    assertRoundTrip(yaml, pod);
  }

  private static void assertRoundTrip(String text, Message expected) {
    Parsed<Message> parsed = ApiJson.parse(text, expected.getDefaultInstanceForType());
    assertThat(parsed.unknownFields()).as(text).isEmpty();
    assertThat(parsed.message()).as(text).isEqualTo(expected);
  }
}
