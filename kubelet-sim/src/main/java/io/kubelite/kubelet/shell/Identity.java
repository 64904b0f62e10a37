package io.kubelite.kubelet.shell;

import java.util.List;
import java.util.TreeSet;

/**
 * Who a container's processes run as: user, primary group and the groups {@code getgroups()}
 * returns (ascending, as the kernel keeps them, and including the primary group, as containerd
 * sets them). What {@code id} and {@code whoami} print; the simulated filesystem keeps no owners,
 * so it changes nothing else.
 */
public record Identity(long uid, long gid, List<Long> groups) {
    /**
     * A shell image's default user: root, in the groups busybox's {@code /etc/group} gives it
     * (root and wheel).
     */
    public static final Identity ROOT = new Identity(0, 0, List.of(0L, 10L));

    public Identity {
        groups = List.copyOf(new TreeSet<>(groups));
    }

    /** The name the image's {@code /etc/passwd} gives {@code uid}, or null: only root has one. */
    static String userName(long uid) {
        return uid == 0 ? "root" : null;
    }

    /** The name the image's {@code /etc/group} gives {@code gid}, or null. */
    static String groupName(long gid) {
        return gid == 0 ? "root" : gid == 10 ? "wheel" : null;
    }
}
