package io.kubelite.kinds.core.pod;

import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodStatus;
import io.kubelite.api.QosClass;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;

/**
 * kube's pod strategy: scheme defaults on every write, the pod-only defaults and a Pending
 * status on create (the service account and default tolerations are admission's), status kept on main-resource
 * updates, a spec that is immutable but for images, activeDeadlineSeconds, added
 * tolerations and the grace period; deletion is graceful.
 */
final class PodStrategy implements Strategy<Pod> {
    /** kube-apiserver's pod update message, verbatim. */
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
            + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
            + "previously negative)";

    @Override
    public Pod defaults(Pod p) {
        return p.toBuilder().setSpec(PodSpecDefaults.scheme(p.getSpec())).build();
    }

    @Override
    public Pod prepareForCreate(Pod p) {
        Pod.Builder b = p.toBuilder();
        b.setSpec(PodSpecDefaults.podOnly(p.getSpec()));
        // a new pod's status is the API server's: Pending, with its QoS class
        b.setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(b.getSpec())));
        return b.build();
    }

    @Override
    public Pod prepareForUpdate(Pod p, Pod old) {
        // the status has its own subresource; an unset one stays unset
        Pod.Builder b = p.toBuilder();
        return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
    }

    @Override
    public void validate(Pod p, FieldErrors errs) {
        PodSpecValidation.validate(p.getSpec(), "spec", errs);
    }

    @Override
    public void validateUpdate(Pod np, Pod op, FieldErrors errs) {
        PodSpec a = op.getSpec();
        PodSpec b = np.getSpec();
        PodSpec.Builder ma = a.toBuilder().clearActiveDeadlineSeconds().clearTolerations();
        PodSpec.Builder mb = b.toBuilder().clearActiveDeadlineSeconds().clearTolerations();
        for (int i = 0; i < ma.getContainersCount() && i < mb.getContainersCount(); i++) {
            mb.setContainers(
                    i,
                    mb.getContainers(i).toBuilder().setImage(ma.getContainers(i).getImage()));
        }
        for (int i = 0; i < ma.getInitContainersCount() && i < mb.getInitContainersCount(); i++) {
            mb.setInitContainers(
                    i,
                    mb.getInitContainers(i).toBuilder()
                            .setImage(ma.getInitContainers(i).getImage()));
        }
        if (!a.getNodeName().isEmpty() || !b.getNodeName().isEmpty()) {
            if (!a.getNodeName().equals(b.getNodeName()) && !a.getNodeName().isEmpty()) {
                // changing the node of a bound pod
                errs.forbidden("spec", UPDATE_FORBIDDEN);
                return;
            }
            ma.setNodeName(b.getNodeName());
        }
        boolean tolerationsOk = b.getTolerationsList().containsAll(a.getTolerationsList());
        if (!ma.build().equals(mb.build()) || !tolerationsOk) {
            errs.forbidden("spec", UPDATE_FORBIDDEN);
        }
    }

    @Override
    public DeletionStyle deletion() {
        return DeletionStyle.GRACEFUL;
    }

    @Override
    public boolean returnDeletedObject() {
        return true;
    }
}
