package io.kubelite.apiserver.admission;

import java.util.concurrent.CompletableFuture;

/** An admission plugin that only judges the final object (kube's {@code ValidationInterface}). */
public interface ValidatingAdmission extends AdmissionPlugin {
    /** Completes when the request may go on; fails with an {@link io.kubelite.apiserver.ApiException} otherwise. */
    CompletableFuture<Void> validate(Attributes a);
}
