package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import io.kubelite.api.ConfigMap;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.Namespace;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodDisruptionBudget;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Secret;
import io.kubelite.api.SelfSubjectAccessReview;
import io.kubelite.api.Service;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewKind;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@link KubeProtobuf}: the bodies kubectl 1.32 sent (recorded by {@code kube-protobuf/capture.sh})
 * read into the trees their JSON would be, then decoded as JSON bodies are; timestamps, unknown
 * fields and broken bodies with bodies built here.
 */
class KubeProtobufTest {

    @Test
    void aConfigMapAsKubectlCreateSendsIt() {
        byte[] body = recording("configmap");
        JsonNode tree = KubeProtobuf.toTree(body, ConfigMap.getDescriptor());
        assertThat(tree.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(tree.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(tree.path("metadata").path("name").asText()).isEqualTo("web-config");
        assertThat(tree.path("metadata").has("selfLink"))
                .as("a zero field kubelite lacks says nothing")
                .isFalse();
        assertThat(tree.path("data").path("greeting").asText()).isEqualTo("hello");
        assertThat(tree.path("binaryData").path("blob").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {'b', 'i', 'n', 0, (byte) 0xff, (byte) 0xfe}));

        BodyDecoder.Decoded<ConfigMap> d = decode(ConfigMapKind.RESOURCE, body, FieldValidation.STRICT);
        assertThat(d.warnings()).isEmpty();
        assertThat(d.object().getData()).containsEntry("greeting", "hello");
        assertThat(d.object().getBinaryDataMap().get("blob").byteAt(4)).isEqualTo((byte) 0xff);

        // the field numbers are Kubernetes': where the types agree kubelite's parser reads kube's bytes
        ConfigMap direct = parseRaw(ConfigMap.parser(), body);
        assertThat(direct.getData()).isEqualTo(d.object().getData());
        assertThat(direct.getBinaryDataMap()).isEqualTo(d.object().getBinaryDataMap());
        assertThat(direct.getMetadata().getName()).isEqualTo("web-config");
    }

    @Test
    void aNamespace() {
        BodyDecoder.Decoded<Namespace> d =
                decode(NamespaceKind.RESOURCE, recording("namespace"), FieldValidation.STRICT);
        assertThat(d.warnings()).isEmpty();
        assertThat(d.typeMeta().kind()).isEqualTo("Namespace");
        assertThat(d.object().getMetadata().getName()).isEqualTo("team-a");
        assertThat(d.object().getMetadata().hasCreationTimestamp())
                .as("Go's zero time, an empty Time message, is no timestamp")
                .isFalse();
    }

    @Test
    void aPodWithQuantitiesIntOrStringPortsAndAnEmbeddedName() {
        // kubectl debug --copy-to: web-pod.yaml as kubelite stored it, plus the debugger container
        byte[] body = recording("pod");
        BodyDecoder.Decoded<Pod> d = decode(PodKind.RESOURCE, body, FieldValidation.WARN);
        Pod pod = d.object();
        assertThat(pod.getMetadata().getName()).isEqualTo("web-copy");
        assertThat(pod.getMetadata().getAnnotationsMap()).containsEntry("note", "copied");
        var web = pod.getSpec().getContainers(0);
        assertThat(web.getResources().getLimitsMap()).containsEntry("cpu", "1").containsEntry("memory", "128Mi");
        assertThat(web.getResources().getRequestsMap())
                .containsEntry("cpu", "250m")
                .containsEntry("memory", "64Mi");
        assertThat(web.getLivenessProbe().getHttpGet().getPort().getStringValue())
                .isEqualTo("http");
        assertThat(web.getLivenessProbe().getPeriodSeconds()).isEqualTo(5);
        assertThat(web.getReadinessProbe().getTcpSocket().getPort().getNumberValue())
                .isEqualTo(8080);
        assertThat(web.getReadinessProbe().getInitialDelaySeconds()).isEqualTo(2);
        assertThat(web.getPorts(0).getContainerPort()).isEqualTo(8080);
        assertThat(web.getPorts(0).getName()).isEqualTo("http");
        var fromConfigMap = web.getEnv(0).getValueFrom().getConfigMapKeyRef();
        assertThat(fromConfigMap.getName())
                .as("kube keeps it in localObjectReference")
                .isEqualTo("web-config");
        assertThat(fromConfigMap.getKey()).isEqualTo("greeting");
        assertThat(fromConfigMap.getOptional()).isTrue();
        assertThat(web.getEnv(1).getValueFrom().getResourceFieldRef().getDivisor())
                .isEqualTo("1m");
        assertThat(pod.getSpec().getContainers(1).getName()).isEqualTo("debugger");
        assertThat(pod.getSpec().getTolerations(0).getTolerationSeconds()).isEqualTo(300);
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(10);
        assertThat(pod.getSpec()
                        .getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms(0)
                        .getMatchExpressions(0)
                        .getValuesList())
                .containsExactly("linux");
        assertThat(pod.getMetadata().hasCreationTimestamp()).isFalse();
        // kubectl debug sets the debugger's terminationMessagePolicy, which kubelite now models (#15)
        assertThat(pod.getSpec().getContainers(1).getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(d.warnings()).isEmpty();
        assertThat(decode(PodKind.RESOURCE, body, FieldValidation.STRICT).object())
                .isEqualTo(pod);
    }

    @Test
    void aSelfSubjectAccessReview() {
        BodyDecoder.Decoded<SelfSubjectAccessReview> d = decode(
                SelfSubjectAccessReviewKind.RESOURCE, recording("selfsubjectaccessreview"), FieldValidation.STRICT);
        var attrs = d.object().getSpec().getResourceAttributes();
        assertThat(attrs.getNamespace()).isEqualTo("team-a");
        assertThat(attrs.getVerb()).isEqualTo("create");
        assertThat(attrs.getResource()).isEqualTo("pods");
        assertThat(attrs.getSubresource()).isEqualTo("log");
        assertThat(d.typeMeta().apiVersion()).isEqualTo("authorization.k8s.io/v1");
    }

    @Test
    void aSecretAServiceWithANamedTargetPortAndABudgetWithAPercentage() {
        Secret secret = decode(SecretKind.RESOURCE, recording("secret"), FieldValidation.STRICT)
                .object();
        assertThat(secret.getDataMap().get("password").toStringUtf8()).isEqualTo("s3cret");
        assertThat(secret.getType()).isEqualTo("Opaque");

        Service svc = decode(ServiceKind.RESOURCE, recording("service"), FieldValidation.STRICT)
                .object();
        assertThat(svc.getSpec().getType()).isEqualTo("NodePort");
        assertThat(svc.getSpec().getPorts(0).getPort()).isEqualTo(80);
        assertThat(svc.getSpec().getPorts(0).getTargetPort().getStringValue()).isEqualTo("http");

        PodDisruptionBudget pdb = decode(
                        PodDisruptionBudgetKind.RESOURCE, recording("poddisruptionbudget"), FieldValidation.STRICT)
                .object();
        assertThat(pdb.getSpec().getMinAvailable().getStringValue()).isEqualTo("50%");
        assertThat(pdb.getSpec().getSelector().getMatchLabelsMap()).containsEntry("app", "web");
    }

    @Test
    void timesKeepSecondsAndMicroTimesMicroseconds() throws Exception {
        // kubelite's own encoding of these fields is Kubernetes' (Timestamp = {seconds, nanos})
        Pod pod = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("p")
                        .setCreationTimestamp(Timestamps.parse("2024-05-01T10:00:00Z"))
                        .setDeletionTimestamp(Timestamps.parse("2024-05-01T10:00:30.5Z")))
                .setStatus(PodStatus.newBuilder().setStartTime(Timestamps.parse("2024-05-01T10:00:01Z")))
                .build();
        JsonNode tree = KubeProtobuf.toTree(wrap("v1", "Pod", pod.toByteArray()), Pod.getDescriptor());
        assertThat(tree.path("metadata").path("creationTimestamp").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(tree.path("metadata").path("deletionTimestamp").asText())
                .as("a Time has whole seconds, as kube's Unmarshal keeps them")
                .isEqualTo("2024-05-01T10:00:30Z");
        assertThat(tree.path("status").path("startTime").asText()).isEqualTo("2024-05-01T10:00:01Z");

        Lease lease = Lease.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("node-1"))
                .setSpec(LeaseSpec.newBuilder()
                        .setHolderIdentity("node-1")
                        .setRenewTime(Timestamps.parse("2024-05-01T10:00:00.123456789Z")))
                .build();
        BodyDecoder.Decoded<Lease> d = BodyDecoder.of(LeaseKind.RESOURCE)
                .decode(
                        ApiRoutes.protobufAsJson(
                                wrap("coordination.k8s.io/v1", "Lease", lease.toByteArray()), Lease.getDescriptor()),
                        FieldValidation.STRICT);
        assertThat(Timestamps.toString(d.object().getSpec().getRenewTime()))
                .as("a MicroTime keeps microseconds")
                .isEqualTo("2024-05-01T10:00:00.123456Z");
    }

    @Test
    void managedFieldsCarryFieldsV1AsTheJsonItHolds() {
        byte[] entry = concat(
                string(1, "kubectl-create"),
                string(2, "Update"),
                string(3, "v1"),
                message(4, varint(1, 1714557600)), // time 2024-05-01T10:00:00Z
                string(6, "FieldsV1"),
                message(7, string(1, "{\"f:data\":{\".\":{},\"f:greeting\":{}}}")));
        byte[] raw = concat(
                message(1, concat(string(1, "c"), message(17, entry))),
                message(2, concat(string(1, "greeting"), string(2, "hi"))));
        ConfigMap cm = decode(ConfigMapKind.RESOURCE, wrap("v1", "ConfigMap", raw), FieldValidation.STRICT)
                .object();
        var mf = cm.getMetadata().getManagedFields(0);
        assertThat(mf.getManager()).isEqualTo("kubectl-create");
        assertThat(Timestamps.toString(mf.getTime())).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(mf.getFieldsV1().getFieldsMap()).containsKey("f:data");
        assertThat(mf.getFieldsV1().getFieldsOrThrow("f:data").getStructValue().getFieldsMap())
                .containsKeys(".", "f:greeting");
    }

    @Test
    void unknownFieldsAreNamedAsKubeNamesThemOrByNumber() {
        ByteString raw = ByteString.copyFrom(concat(
                message(1, concat(string(1, "c"), string(4, "/api/v1/whatever"))), // metadata.selfLink
                string(999, "mystery")));
        BodyDecoder.Decoded<ConfigMap> d = BodyDecoder.of(ConfigMapKind.RESOURCE)
                .decode(
                        ApiRoutes.protobufAsJson(wrap("v1", "ConfigMap", raw.toByteArray()), ConfigMap.getDescriptor()),
                        FieldValidation.WARN);
        assertThat(d.warnings()).containsExactly("unknown field \"metadata.selfLink\"", "unknown field \"#999\"");
        assertThat(d.object().getMetadata().getName()).isEqualTo("c");
    }

    @Test
    void aCrdSchemaInKubesProtobufIsRefusedNotMisread() {
        // spec (2) > versions (7) > schema (4) > openAPIV3Schema (1) > JSONSchemaProps.type (5)
        byte[] raw = message(2, message(7, concat(string(1, "v1"), message(4, message(1, string(5, "object"))))));
        byte[] body = wrap("apiextensions.k8s.io/v1", "CustomResourceDefinition", raw);
        assertThatThrownBy(
                        () -> ApiRoutes.protobufAsJson(body, io.kubelite.api.CustomResourceDefinition.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
                .hasMessageContaining("spec.versions[0].schema: kubelite reads CustomResourceValidation only as JSON");
    }

    @Test
    void repeatedNumbersPackedOrNot() {
        // no kubelite type has a repeated number yet (batch's onExitCodes values will): any
        // descriptor does, the reader is generic; proto2 writes them one tag each, proto3 packed
        byte[] raw = concat(
                message(1, new byte[] {1, 2, 3}), // path, packed
                varint(1, 4),
                varint(1, 5)); // path, one tag each
        JsonNode tree = KubeProtobuf.toTree(
                wrap("", "", raw), com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location.getDescriptor());
        assertThat(tree.path("path").toString()).isEqualTo("[1,2,3,4,5]");
    }

    @Test
    void repeatedStringsAndMaps() {
        // a Service's clusterIPs: repeated strings, one tag each; the selector: a map of entries
        byte[] raw = concat(
                message(1, string(1, "s")),
                message(
                        2,
                        concat(
                                string(18, "10.0.0.1"),
                                string(18, "fd00::1"),
                                message(2, concat(string(1, "app"), string(2, "web"))))));
        Service svc = decode(ServiceKind.RESOURCE, wrap("v1", "Service", raw), FieldValidation.STRICT)
                .object();
        assertThat(svc.getSpec().getClusterIpsList()).containsExactly("10.0.0.1", "fd00::1");
        assertThat(svc.getSpec().getSelectorMap()).containsEntry("app", "web");
    }

    @Test
    void notProtobufIsUnrecognized() {
        assertThatThrownBy(() ->
                        ApiRoutes.protobufAsJson("{\"kind\":\"ConfigMap\"}".getBytes(), ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
                .hasMessage("the object provided is unrecognized (must be of type ConfigMap): provided data does not"
                        + " appear to be a protobuf message, expected prefix [107 56 115 0]");
    }

    @Test
    void aTruncatedBodyIsBadRequest() {
        byte[] body = recording("configmap");
        byte[] cut = Arrays.copyOf(body, body.length - 20);
        assertThatThrownBy(() -> ApiRoutes.protobufAsJson(cut, ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
                .hasMessageStartingWith("the object provided is unrecognized (must be of type ConfigMap): "
                        + "malformed protobuf envelope");
        // the envelope whole, the object inside it cut short
        byte[] raw = parseRawBytes(body);
        byte[] inner = wrap("v1", "ConfigMap", Arrays.copyOf(raw, raw.length - 3));
        assertThatThrownBy(() -> ApiRoutes.protobufAsJson(inner, ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith(
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: malformed protobuf");
    }

    @Test
    void anotherKindIsRefusedBeforeItsBytesAreRead() {
        assertThatThrownBy(() -> ApiRoutes.protobufAsJson(recording("secret"), ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .hasMessage("the kind in the data (Secret) does not match the expected kind (ConfigMap)");
    }

    @Test
    void aWireTypeThatDoesNotFitTheFieldIsBadRequest() {
        byte[] raw = concat(message(1, string(1, "c")), varint(2, 7)); // data = 7
        assertThatThrownBy(() -> ApiRoutes.protobufAsJson(wrap("v1", "ConfigMap", raw), ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .hasMessage(
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: data: wire type 0 where a map"
                                + " entry (wire type 2) belongs");
    }

    @Test
    void anEncodedEnvelopeIsRefused() {
        byte[] gz = concat(new byte[] {'k', '8', 's', 0}, message(2, string(1, "x")), string(3, "gzip"));
        assertThatThrownBy(() -> ApiRoutes.protobufAsJson(gz, ConfigMap.getDescriptor()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("content encoding \"gzip\" is not supported");
    }

    // ------------------------------------------------------------------ helpers

    private static <T extends Message> BodyDecoder.Decoded<T> decode(
            Resource<T> r, byte[] body, FieldValidation validation) {
        return BodyDecoder.of(r)
                .decode(ApiRoutes.protobufAsJson(body, r.prototype().getDescriptorForType()), validation);
    }

    static byte[] recording(String name) {
        try (InputStream in = KubeProtobufTest.class.getResourceAsStream("/kube-protobuf/" + name + ".pb")) {
            if (in == null) {
                throw new IllegalStateException("no recording kube-protobuf/" + name + ".pb");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object bytes (runtime.Unknown's raw) of a recorded body. */
    private static byte[] parseRawBytes(byte[] body) {
        return KubeProtobuf.envelope(body).raw().toByteArray();
    }

    private static <T> T parseRaw(com.google.protobuf.Parser<T> parser, byte[] body) {
        try {
            return parser.parseFrom(parseRawBytes(body));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code k8s\0} + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
    static byte[] wrap(String apiVersion, String kind, byte[] raw) {
        return concat(
                new byte[] {'k', '8', 's', 0},
                message(1, concat(string(1, apiVersion), string(2, kind))),
                message(2, raw),
                string(3, ""),
                string(4, ""));
    }

    static byte[] string(int field, String value) {
        return message(field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] message(int field, byte[] value) {
        return encode(out -> out.writeByteArray(field, value));
    }

    static byte[] varint(int field, long value) {
        return encode(out -> out.writeInt64(field, value));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
