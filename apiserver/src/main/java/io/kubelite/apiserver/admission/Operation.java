package io.kubelite.apiserver.admission;

/** The operation a request performs, as kube's {@code admission.Operation}. */
public enum Operation {
    CREATE,
    UPDATE,
    DELETE
}
