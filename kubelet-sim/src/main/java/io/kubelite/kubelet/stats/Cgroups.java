package io.kubelite.kubelet.stats;

/**
 * The cgroups a kubelet with the systemd cgroup driver on cgroup v2 (kubeadm's default) and
 * containerd create, as cAdvisor names them in its {@code id} label, and the CPU controller
 * values the kubelet writes into them, read back as cAdvisor reports them. Pure functions.
 */
final class Cgroups {
    /** CFS period the kubelet sets, microseconds ({@code container_spec_cpu_period}). */
    static final long CPU_PERIOD_MICROS = 100_000;

    /** kube's MinShares and MaxShares. */
    private static final long MIN_SHARES = 2;

    private static final long MAX_SHARES = 262_144;
    /** kube's MinQuotaPeriod: the smallest quota it writes. */
    private static final long MIN_QUOTA_MICROS = 1_000;

    private Cgroups() {}

    /** The pod's cgroup under its QoS class's slice, e.g. {@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice}. */
    static String pod(String qosClass, String uid) {
        String u = uid.replace('-', '_');
        return switch (qosClass) {
            case "Guaranteed" -> "/kubepods.slice/kubepods-pod" + u + ".slice";
            case "BestEffort" -> "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + u + ".slice";
            default -> "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + u + ".slice";
        };
    }

    /** A container's cgroup in its pod's, as containerd's systemd driver names it. */
    static String container(String podCgroup, String containerId) {
        return podCgroup + "/cri-containerd-" + bareId(containerId) + ".scope";
    }

    /** {@code containerd://abc} → {@code abc}: cAdvisor's container name alias. */
    static String bareId(String containerId) {
        int i = containerId.indexOf("://");
        return i < 0 ? containerId : containerId.substring(i + 3);
    }

    /**
     * The CPU shares cAdvisor reports for a CPU request: kube's MilliCPUToShares, written as
     * cgroup v2's cpu.weight by runc, converted back by cAdvisor (so 500m reads 500, not 512).
     */
    static long shares(long requestMillis) {
        long shares = requestMillis == 0 ? MIN_SHARES : Math.max(MIN_SHARES, requestMillis * 1024 / 1000);
        shares = Math.min(shares, MAX_SHARES);
        long weight = 1 + ((shares - 2) * 9999) / 262142;
        return 2 + ((weight - 1) * 262142) / 9999;
    }

    /** kube's MilliCPUToQuota at the default period; 0 (no quota) without a limit. */
    static long quotaMicros(long limitMillis) {
        if (limitMillis <= 0) {
            return 0;
        }
        return Math.max(MIN_QUOTA_MICROS, limitMillis * CPU_PERIOD_MICROS / 1000);
    }
}
