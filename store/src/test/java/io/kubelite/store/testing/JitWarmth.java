package io.kubelite.store.testing;

import java.lang.management.ManagementFactory;

/**
 * The benchmarks' steady-state test: the share of this JVM's CPU its JIT compilers took since
 * {@link #start}. A benchmark warms up until a round or pass stays under {@link #QUIET_SHARE},
 * then measures: on two cores, a compiler still busy tens of thousands of operations in takes
 * CPU the measured code and etcd then lack.
 */
public final class JitWarmth {
    /** At most this share of the JVM's CPU spent compiling: the JVM counts as warm. */
    public static final double QUIET_SHARE = 0.10;

    private final long compilerMillis0;
    private final long cpuNanos0;

    private JitWarmth(long compilerMillis0, long cpuNanos0) {
        this.compilerMillis0 = compilerMillis0;
        this.cpuNanos0 = cpuNanos0;
    }

    /** Starts counting now. */
    public static JitWarmth start() {
        return new JitWarmth(compilerMillis(), processCpuNanos());
    }

    /** The compilers' time since {@link #start} as a share of the JVM's CPU time since then. */
    public double share() {
        return (compilerMillis() - compilerMillis0) * 1e6 / Math.max(1, processCpuNanos() - cpuNanos0);
    }

    /** Time this JVM's JIT compilers have spent compiling, in milliseconds. */
    public static long compilerMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** CPU time of this whole JVM (every thread, GC and JIT included), in nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
