package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The admission plugins of an API server in kube's order: first every mutating plugin that
 * handles the request, each seeing the object the previous one made, then every validating
 * plugin on the final object. The first refusal ends the chain and refuses the request.
 */
public final class AdmissionChain {
    private final List<AdmissionPlugin> plugins;

    public AdmissionChain(List<AdmissionPlugin> plugins) {
        this.plugins = List.copyOf(plugins);
    }

    /** The plugins' names, in order. */
    public List<String> names() {
        return plugins.stream().map(AdmissionPlugin::name).toList();
    }

    /** Whether any plugin looks at this request (when none does, callers may skip admission). */
    public boolean handles(Attributes a) {
        return plugins.stream().anyMatch(p -> p.handles(a));
    }

    /** Completes with the admitted object (null for DELETE), or fails with the first plugin's refusal. */
    @SuppressWarnings("unchecked")
    public <T extends Message> CompletableFuture<T> admit(Attributes a) {
        CompletableFuture<Attributes> f = CompletableFuture.completedFuture(a);
        for (AdmissionPlugin p : plugins) {
            if (p instanceof MutatingAdmission m) {
                f = f.thenCompose(cur -> m.handles(cur)
                        ? m.admit(cur).thenApply(cur::withObject)
                        : CompletableFuture.completedFuture(cur));
            }
        }
        for (AdmissionPlugin p : plugins) {
            if (p instanceof ValidatingAdmission v) {
                f = f.thenCompose(cur ->
                        v.handles(cur) ? v.validate(cur).thenApply(x -> cur) : CompletableFuture.completedFuture(cur));
            }
        }
        return f.thenApply(cur -> (T) cur.object());
    }
}
