package io.kubelite.kubelet.config;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSecurityContext;
import io.kubelite.api.SecurityContext;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.kubelet.shell.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * What a container's security context comes to, as kube's
 * {@code securitycontext.DetermineEffectiveSecurityContext} merges it: the pod's
 * {@code spec.securityContext} under the container's {@code securityContext}, field by field,
 * the container's winning. Of it the simulator models who the processes run as
 * ({@link #identity()}), a read-only root filesystem, and the kubelet's {@code runAsNonRoot}
 * check ({@link #verifyRunAsNonRoot}). Every image runs as root unless told otherwise.
 */
public record EffectiveSecurityContext(
        Long runAsUser, Long runAsGroup, boolean runAsNonRoot, boolean readOnlyRootFilesystem, List<Long> groups) {
    /** Busybox's root is also in wheel (its {@code /etc/group}); containerd adds such memberships. */
    private static final long WHEEL = 10;

    public static EffectiveSecurityContext of(Pod pod, Container container) {
        PodSecurityContext p = pod.getSpec().getSecurityContext();
        SecurityContext c = container.getSecurityContext();
        Long user = c.hasRunAsUser()
                ? Long.valueOf(c.getRunAsUser())
                : p.hasRunAsUser() ? Long.valueOf(p.getRunAsUser()) : null;
        Long group = c.hasRunAsGroup()
                ? Long.valueOf(c.getRunAsGroup())
                : p.hasRunAsGroup() ? Long.valueOf(p.getRunAsGroup()) : null;
        boolean nonRoot = c.hasRunAsNonRoot() ? c.getRunAsNonRoot() : p.getRunAsNonRoot();
        // the kubelet hands the runtime fsGroup, then supplementalGroups, as extra groups
        List<Long> groups = new ArrayList<>();
        if (p.hasFsGroup()) {
            groups.add(p.getFsGroup());
        }
        groups.addAll(p.getSupplementalGroupsList());
        return new EffectiveSecurityContext(user, group, nonRoot, c.getReadOnlyRootFilesystem(), List.copyOf(groups));
    }

    /**
     * Who the container's processes are, as containerd makes it: the user (root by default),
     * the primary group (runAsGroup, else the user's own, 0 for root and for a uid the image does
     * not know), and the groups: the primary one, the image's memberships of root, fsGroup and
     * supplementalGroups.
     */
    public Identity identity() {
        long uid = runAsUser != null ? runAsUser : 0;
        long gid = runAsGroup != null ? runAsGroup : 0;
        List<Long> all = new ArrayList<>();
        all.add(gid);
        if (uid == 0) {
            all.add(WHEEL);
        }
        all.addAll(groups);
        return new Identity(uid, gid, all);
    }

    /**
     * The kubelet's {@code verifyRunAsNonRoot}: with runAsNonRoot, a runAsUser of 0, or no
     * runAsUser (every simulated image runs as root), refuses to create the container, in kube's
     * words (CreateContainerConfigError).
     */
    public void verifyRunAsNonRoot(Pod pod, Container container) throws ContainerConfigException {
        if (!runAsNonRoot) {
            return;
        }
        String where = " (pod: \"" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")\", container: "
                + container.getName() + ")";
        if (runAsUser != null) {
            if (runAsUser == 0) {
                throw new ContainerConfigException("container's runAsUser breaks non-root policy" + where);
            }
            return;
        }
        throw new ContainerConfigException("container has runAsNonRoot and image will run as root" + where);
    }

    /** Makes a new instance run as {@link #identity()} and, if asked, on a read-only root filesystem; before it starts. */
    public void applyTo(SimContainer instance) {
        instance.runAs(identity());
        if (readOnlyRootFilesystem) {
            instance.filesystem().makeRootReadOnly();
        }
    }
}
