package io.kubelite.apiserver.admission;

/**
 * One named admission plugin (kube's {@code admission.Interface}); it is a
 * {@link MutatingAdmission}, a {@link ValidatingAdmission} or both. Plugins are built once per
 * API server and called concurrently; they never block (they answer with futures and read
 * watch caches rather than waiting on etcd where they can).
 */
public interface AdmissionPlugin {
    /** kube's plugin name ({@code NamespaceLifecycle}, {@code PodSecurity}, ...), as {@code --disable-admission-plugins} names it. */
    String name();

    /**
     * Whether the plugin looks at this request at all; cheap and synchronous, decided from the
     * operation, resource, subresource and namespace only (callers may ask before the object is
     * known, with {@code object} and {@code oldObject} null).
     */
    boolean handles(Attributes a);
}
