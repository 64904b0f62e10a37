package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.kinds.core.pod.PodKind;
import java.util.concurrent.CompletableFuture;

/**
 * kube's DefaultTolerationSeconds plugin: a new pod tolerates the
 * {@code node.kubernetes.io/not-ready} and {@code node.kubernetes.io/unreachable} NoExecute
 * taints for 300 s unless it already tolerates them, so the node lifecycle controller's
 * eviction moves it 5 minutes after its node fails.
 */
public final class DefaultTolerationSeconds implements MutatingAdmission {
    @Override
    public String name() {
        return "DefaultTolerationSeconds";
    }

    @Override
    public boolean handles(Attributes a) {
        return a.operation() == Operation.CREATE && a.isMain(PodKind.RESOURCE);
    }

    @Override
    public CompletableFuture<Message> admit(Attributes a) {
        Pod p = (Pod) a.object();
        return CompletableFuture.completedFuture(p.toBuilder()
                .setSpec(PodSpecDefaults.defaultTolerations(p.getSpec()))
                .build());
    }
}
