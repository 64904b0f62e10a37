package io.kubelite.apiserver.admission;

import com.google.protobuf.Message;
import io.kubelite.apiserver.Auth;
import io.kubelite.kinds.Resource;

/**
 * What an admission plugin is told about a request, as kube's {@code admission.Attributes}:
 * the operation, the resource (and subresource, null for the main resource), the namespace
 * (empty for cluster-scoped objects) and name, the object as it would be written (null for
 * DELETE) and the stored one (null for CREATE), whether it is a dry run, who asks (null when
 * unknown), and where warnings and audit annotations go.
 */
public record Attributes(
        Operation operation,
        Resource<?> resource,
        String subresource,
        String namespace,
        String name,
        Message object,
        Message oldObject,
        boolean dryRun,
        Auth.User user,
        AdmissionRecord record) {

    /** The same request with the object a mutating plugin made. */
    public Attributes withObject(Message next) {
        return new Attributes(operation, resource, subresource, namespace, name, next, oldObject, dryRun, user, record);
    }

    /** Whether the request is about the main resource of {@code r} (not a subresource). */
    public boolean isMain(Resource<?> r) {
        return resource.equals(r) && subresource == null;
    }

    /** The name a refusal names: the object's, else its generateName (a create may have no name yet). */
    @SuppressWarnings("unchecked")
    public String objectName() {
        io.kubelite.api.ObjectMeta m = ((Resource<Message>) resource).meta(object);
        return m.getName().isEmpty() ? m.getGenerateName() : m.getName();
    }

    /** Adds a warning for the client. */
    public void warn(String warning) {
        record.warn(warning);
    }

    /** Adds an audit annotation. */
    public void annotate(String key, String value) {
        record.annotate(key, value);
    }
}
