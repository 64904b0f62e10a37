package io.kubelite.kinds.core.resourcequota;

/**
 * Why a quota refuses an object, in kube's words ({@code exceeded quota: q, requested: pods=1,
 * used: pods=2, limited: pods=2}); the admission prefixes it with {@code pods "x" is forbidden: }.
 */
public final class QuotaRefusal extends RuntimeException {
    public QuotaRefusal(String message) {
        super(message, null, false, false);
    }
}
