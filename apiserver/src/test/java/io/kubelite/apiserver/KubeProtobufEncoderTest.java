package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.Lease;
import io.kubelite.api.LeaseSpec;
import io.kubelite.api.ManagedFieldsEntry;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.api.PodStatus;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.coordination.lease.LeaseKind;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.core.secret.SecretKind;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.policy.poddisruptionbudget.PodDisruptionBudgetKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link KubeProtobufEncoder}: what a Kubernetes client reads from the protobuf kubelite writes is
 * what it reads from the JSON. The bytes are read back Kubernetes' way ({@link KubeProtobuf}, which
 * reads kubectl's own recorded bodies) and compared with the object's JSON form.
 */
class KubeProtobufEncoderTest {

    @Test
    void kubectlsRecordedObjectsReadTheSameAsTheirJson() {
        check(ConfigMapKind.RESOURCE, "configmap");
        check(NamespaceKind.RESOURCE, "namespace");
        check(PodKind.RESOURCE, "pod");
        check(PodDisruptionBudgetKind.RESOURCE, "poddisruptionbudget");
        check(SecretKind.RESOURCE, "secret");
        check(ServiceKind.RESOURCE, "service");
    }

    @Test
    void timesQuantitiesIntOrStringAndManagedFieldsAsKubernetesWritesThem() {
        Pod pod = stored();
        byte[] bytes = KubeProtobufEncoder.object(PodKind.RESOURCE, pod);
        assertThat(text(KubeProtobuf.toTree(bytes, Pod.getDescriptor())))
                .isEqualTo(text(Codec.typedTree(PodKind.RESOURCE, pod)));
        assertThat(decode(PodKind.RESOURCE, bytes)).isEqualTo(pod);

        Lease lease = Lease.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("node-1").setNamespace("kube-node-lease"))
                .setSpec(LeaseSpec.newBuilder()
                        .setHolderIdentity("node-1")
                        .setLeaseDurationSeconds(40)
                        .setRenewTime(time("2024-05-01T10:00:00.123456Z")))
                .build();
        byte[] leaseBytes = KubeProtobufEncoder.object(LeaseKind.RESOURCE, lease);
        assertThat(KubeProtobuf.toTree(leaseBytes, Lease.getDescriptor())
                        .path("spec")
                        .path("renewTime")
                        .asText())
                .as("a MicroTime keeps its microseconds")
                .isEqualTo("2024-05-01T10:00:00.123456Z");
        Lease back = decode(LeaseKind.RESOURCE, leaseBytes);
        assertThat(back.getSpec()).isEqualTo(lease.getSpec());
        assertThat(back.getMetadata()).isEqualTo(lease.getMetadata());
    }

    @Test
    void aListIsItsItemsAndListMetaInTheEnvelope() throws IOException {
        Pod a = stored();
        Pod b = a.toBuilder()
                .setMetadata(a.getMetadata().toBuilder().setName("web-2"))
                .build();
        byte[] list = KubeProtobufEncoder.list(
                PodKind.RESOURCE, 42, "next", List.of(KubeProtobufEncoder.message(a), KubeProtobufEncoder.message(b)));
        KubeProtobuf.Envelope env = KubeProtobuf.envelope(list);
        assertThat(env.typeMeta().apiVersion()).isEqualTo("v1");
        assertThat(env.typeMeta().kind()).isEqualTo("PodList");
        // PodList {metadata = 1 (ListMeta {resourceVersion = 2, continue = 3}), items = 2}
        CodedInputStream in = env.raw().newCodedInput();
        String rv = null;
        String cont = null;
        List<JsonNode> items = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == (1 << 3 | 2)) {
                CodedInputStream meta = in.readBytes().newCodedInput();
                for (int t = meta.readTag(); t != 0; t = meta.readTag()) {
                    switch (t >>> 3) {
                        case 2 -> rv = meta.readStringRequireUtf8();
                        case 3 -> cont = meta.readStringRequireUtf8();
                        default -> meta.skipField(t);
                    }
                }
            } else if (tag == (2 << 3 | 2)) {
                items.add(KubeProtobuf.toTree(
                        KubeProtobufTest.wrap("v1", "Pod", in.readByteArray()), Pod.getDescriptor()));
            } else {
                in.skipField(tag);
            }
        }
        assertThat(rv).isEqualTo("42");
        assertThat(cont).isEqualTo("next");
        assertThat(items.stream().map(KubeProtobufEncoderTest::text))
                .containsExactly(
                        text(Codec.typedTree(PodKind.RESOURCE, a)), text(Codec.typedTree(PodKind.RESOURCE, b)));
    }

    @Test
    void onlyKindsWhoseMessagesAreAllKubernetesTypesAreEncodable() {
        assertThat(KubeProtobufEncoder.encodable(Pod.getDescriptor())).isTrue();
        assertThat(KubeProtobufEncoder.encodable(Lease.getDescriptor())).isTrue();
        assertThat(KubeProtobufEncoder.encodable(CustomResourceDefinition.getDescriptor()))
                .as("kubelite keeps a CRD's schema as JSON")
                .isFalse();
    }

    /** A pod as the cache holds it: whole-second times, quantities, named and numbered ports, managedFields. */
    private static Pod stored() {
        Pod fromKubectl = decode(PodKind.RESOURCE, KubeProtobufTest.recording("pod"));
        return fromKubectl.toBuilder()
                .setMetadata(fromKubectl.getMetadata().toBuilder()
                        .setNamespace("default")
                        .setUid("5f0c2b1e-1111-2222-3333-444455556666")
                        .setResourceVersion("1234")
                        .setCreationTimestamp(time("2024-05-01T10:00:00Z"))
                        .addManagedFields(ManagedFieldsEntry.newBuilder()
                                .setManager("kubectl")
                                .setOperation("Update")
                                .setApiVersion("v1")
                                .setTime(time("2024-05-01T10:00:00Z"))
                                .setFieldsType("FieldsV1")
                                .setFieldsV1(Struct.newBuilder()
                                        .putFields(
                                                "f:metadata",
                                                Value.newBuilder()
                                                        .setStructValue(Struct.newBuilder()
                                                                .putFields(
                                                                        "f:labels",
                                                                        Value.newBuilder()
                                                                                .setStructValue(
                                                                                        Struct.getDefaultInstance())
                                                                                .build()))
                                                        .build()))))
                .setStatus(PodStatus.newBuilder()
                        .setPhase("Running")
                        .setStartTime(time("2024-05-01T10:00:01Z"))
                        .addConditions(PodCondition.newBuilder()
                                .setType("Ready")
                                .setStatus("True")
                                .setLastTransitionTime(time("2024-05-01T10:00:02Z"))))
                .build();
    }

    /** The recorded body's object, encoded again: Kubernetes reads the same tree from both, and from its JSON. */
    private static <T extends Message> void check(Resource<T> r, String recording) {
        T obj = decode(r, KubeProtobufTest.recording(recording));
        byte[] ours = KubeProtobufEncoder.object(r, obj);
        ObjectNode json = Codec.typedTree(r, obj);
        assertThat(text(KubeProtobuf.toTree(ours, r.prototype().getDescriptorForType())))
                .as(recording)
                .isEqualTo(text(json));
        assertThat(decode(r, ours)).as(recording).isEqualTo(obj);
    }

    /**
     * The tree as a client reads it: members sorted (JSON objects are unordered), numbers as their
     * text (an IntOrString's 8080 is the same number whether the tree holds it as an int or a long).
     */
    private static String text(JsonNode tree) {
        try {
            Object plain = Codec.MAPPER.treeToValue(tree, Object.class);
            return Codec.MAPPER
                    .copy()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsString(plain);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static com.google.protobuf.Timestamp time(String rfc3339) {
        try {
            return Timestamps.parse(rfc3339);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <T extends Message> T decode(Resource<T> r, byte[] body) {
        return BodyDecoder.of(r)
                .decode(ApiRoutes.protobufAsJson(body, r.prototype().getDescriptorForType()), FieldValidation.STRICT)
                .object();
    }
}
