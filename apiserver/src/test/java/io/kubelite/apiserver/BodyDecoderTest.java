package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.Binding;
import io.kubelite.api.Pod;
import io.kubelite.api.ReplicaSet;
import io.kubelite.kinds.apps.replicaset.ReplicaSetKind;
import io.kubelite.kinds.core.pod.PodKind;
import org.junit.jupiter.api.Test;

/** One decoding step: every bad body is a 400 with kube-apiserver's wording; unknown fields are warnings. */
class BodyDecoderTest {
    private final BodyDecoder<Pod> pods = BodyDecoder.of(PodKind.RESOURCE);

    @Test
    void decodesJsonWithTypeMetaAndWarnings() {
        BodyDecoder.Decoded<Pod> d =
                pods.decode("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
                        + "\"spec\":{\"volumez\":[],\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
        assertThat(d.typeMeta().kind()).isEqualTo("Pod");
        assertThat(d.typeMeta().apiVersion()).isEqualTo("v1");
        assertThat(d.object().getMetadata().getName()).isEqualTo("p");
        assertThat(d.object().getSpec().getContainers(0).getImage()).isEqualTo("i");
        assertThat(d.warnings()).containsExactly("unknown field \"spec.volumez\"");
    }

    @Test
    void decodesYamlAndAcceptsMissingTypeMeta() {
        BodyDecoder.Decoded<Pod> d = pods.decode("metadata: {name: y}\nspec:\n  containers: [{name: c, image: i}]\n");
        assertThat(d.typeMeta().kind()).isEmpty();
        assertThat(d.object().getMetadata().getName()).isEqualTo("y");
        assertThat(d.warnings()).isEmpty();
    }

    @Test
    void emptyBody() {
        assertBadRequest(() -> pods.decode("  \n"), "the body of the request was empty");
        assertBadRequest(() -> pods.decode(null), "the body of the request was empty");
    }

    @Test
    void malformedText() {
        assertBadRequest(() -> pods.decode("{\"metadata\": {"), "error decoding the request body: ");
        assertBadRequest(() -> pods.decode("[1, 2]"), "error decoding the request body: ");
    }

    @Test
    void moreThanOneDocument() {
        assertBadRequest(
                () -> pods.decode("metadata: {name: a}\n---\nmetadata: {name: b}\n"),
                "expected exactly one object in the request body, found 2");
    }

    @Test
    void kindAndApiVersionMustMatch() {
        assertBadRequest(
                () -> pods.decode("{\"kind\":\"Service\"}"),
                "the kind in the data (Service) does not match the expected kind (Pod)");
        assertBadRequest(
                () -> pods.decode("{\"apiVersion\":\"apps/v1\",\"kind\":\"Service\"}"),
                "the API version in the data (apps/v1) does not match the expected API version (v1)");
        assertBadRequest(() -> pods.decode("{\"kind\":7}"), "error decoding the request body: kind: expected a string");
    }

    @Test
    void wrongFieldTypeNamesTheKindVersionAndField() {
        assertBadRequest(
                () -> pods.decode("{\"spec\":{\"containers\":\"nginx\"}}"),
                "Pod in version \"v1\" cannot be handled as a Pod: spec.containers");
        BodyDecoder<ReplicaSet> rs = BodyDecoder.of(ReplicaSetKind.RESOURCE);
        assertBadRequest(
                () -> rs.decode("{\"spec\":{\"replicas\":\"many\"}}"),
                "ReplicaSet in version \"v1\" cannot be handled as a ReplicaSet: spec.replicas");
    }

    @Test
    void decodesOtherTypesThanResources() {
        BodyDecoder<Binding> b = new BodyDecoder<>(Binding.getDefaultInstance(), "Binding", "v1");
        assertThat(b.decode("{\"kind\":\"Binding\",\"target\":{\"name\":\"n1\"}}")
                        .object()
                        .getTarget()
                        .getName())
                .isEqualTo("n1");
        assertBadRequest(
                () -> b.decode("{\"kind\":\"Pod\"}"),
                "the kind in the data (Pod) does not match the expected kind (Binding)");
    }

    @Test
    void plainJsonBodies() {
        assertThat(BodyDecoder.json("{\"a\":1}", "patch").path("a").asInt()).isEqualTo(1);
        assertThat(BodyDecoder.json("", "patch").isMissingNode()).isTrue();
        assertBadRequest(() -> BodyDecoder.json("{", "patch"), "error decoding patch: ");
    }

    private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.reason()).isEqualTo("BadRequest");
            assertThat(e.getMessage()).startsWith(message);
        });
    }
}
