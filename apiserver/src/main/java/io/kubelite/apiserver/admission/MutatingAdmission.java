package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import java.util.concurrent.CompletableFuture;

/** An admission plugin that may change the object (kube's {@code MutationInterface}). */
public interface MutatingAdmission extends AdmissionPlugin {
    /**
     * Completes with the object to write ({@code a.object()} itself when nothing changes), or
     * fails with an {@link io.kubelite.apiserver.ApiException} that refuses the request.
     */
    CompletableFuture<Message> admit(Attributes a);
}
