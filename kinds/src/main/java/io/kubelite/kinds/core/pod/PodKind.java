package io.kubelite.kinds.core.pod;

import io.kubelite.api.Pod;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** Pods ({@code v1}, namespaced): graceful deletion, the status, binding, eviction, log, exec and attach subresources. */
public final class PodKind {
    public static final Resource<Pod> RESOURCE =
            new Resource<>("", "v1", "Pod", "pods", true, Pod.getDefaultInstance(), List.of("po"));

    public static final Kind<Pod> KIND = Kind.of(RESOURCE)
            .strategy(new PodStrategy())
            .columns(PodColumns.COLUMNS)
            .subresources(
                    Subresource.status(),
                    Subresource.of("binding", "create").exchanging("", "v1", "Binding"),
                    Subresource.of("eviction", "create").exchanging("policy", "v1", "Eviction"),
                    Subresource.of("log", "get"),
                    Subresource.of("exec", "create", "get").exchanging("", "v1", "PodExecOptions"),
                    Subresource.of("attach", "create", "get").exchanging("", "v1", "PodAttachOptions"))
            .field("spec.nodeName", p -> p.getSpec().getNodeName())
            .field("spec.restartPolicy", p -> p.getSpec().getRestartPolicy())
            .field("spec.schedulerName", p -> p.getSpec().getSchedulerName())
            .field("spec.serviceAccountName", p -> p.getSpec().getServiceAccountName())
            .field("status.phase", p -> p.getStatus().getPhase())
            .field("status.podIP", p -> p.getStatus().getPodIp())
            .field("status.nominatedNodeName", p -> p.getStatus().getNominatedNodeName())
            .build();

    private PodKind() {}
}
