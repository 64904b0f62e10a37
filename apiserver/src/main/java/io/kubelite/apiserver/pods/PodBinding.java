package io.kubelite.apiserver.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.kubelite.api.Binding;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.Codec;
import io.kubelite.apiserver.Request;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.store.ObjectStore;
import io.kubelite.store.Preconditions;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST pods/{name}/binding}: assigns the pod to {@code target.name} and sets its
 * {@code PodScheduled} condition, in one guaranteed update. 409 when the pod is already
 * bound or being deleted; the Binding's uid and resourceVersion are preconditions.
 */
public final class PodBinding {
    private static final BodyDecoder<Binding> DECODER =
            new BodyDecoder<>(Binding.getDefaultInstance(), "Binding", "v1");

    private PodBinding() {}

    public static void bind(Request r, ObjectStore<Pod> pods, String namespace, String name, String body) {
        BodyDecoder.Decoded<Binding> d = DECODER.decode(body);
        r.warnings(d.warnings());
        Binding b = d.object();
        if (!b.getMetadata().getName().isEmpty() && !b.getMetadata().getName().equals(name)) {
            throw ApiException.badRequest("the name of the object ("
                    + b.getMetadata().getName() + ") does not match the name on the URL (" + name + ")");
        }
        String node = b.getTarget().getName();
        if (node.isEmpty()) {
            throw ApiException.invalid(
                    PodKind.RESOURCE,
                    name,
                    List.of(new FieldError("FieldValueRequired", "Required value", "target.name")));
        }
        Preconditions pre =
                new Preconditions(b.getMetadata().getUid(), b.getMetadata().getResourceVersion());
        r.then(pods.guaranteedUpdate(namespace, name, pre, p -> bound(p, name, node)), PodKind.RESOURCE, name, p -> {
            ObjectNode s = Codec.successStatus();
            s.put("code", 201);
            r.json(201, s);
        });
    }

    private static Pod bound(Pod p, String name, String node) {
        if (p.getMetadata().hasDeletionTimestamp()) {
            throw conflict(name, "pod " + name + " is being deleted, cannot be assigned to a host");
        }
        if (!p.getSpec().getNodeName().isEmpty()) {
            throw conflict(
                    name,
                    "pod " + name + " is already assigned to node \""
                            + p.getSpec().getNodeName() + "\"");
        }
        Pod.Builder pb = p.toBuilder();
        pb.getSpecBuilder().setNodeName(node);
        var st = pb.getStatusBuilder();
        PodCondition cond = PodCondition.newBuilder()
                .setType("PodScheduled")
                .setStatus("True")
                .setLastTransitionTime(
                        Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .build();
        boolean replaced = false;
        for (int i = 0; i < st.getConditionsCount(); i++) {
            if (st.getConditions(i).getType().equals("PodScheduled")) {
                st.setConditions(i, cond);
                replaced = true;
            }
        }
        if (!replaced) {
            st.addConditions(cond);
        }
        return pb.build();
    }

    private static ApiException conflict(String name, String why) {
        return new ApiException(
                409,
                "Conflict",
                "Operation cannot be fulfilled on pods/binding \"" + name + "\": " + why,
                name,
                "",
                "pods/binding",
                List.of(),
                null);
    }
}
