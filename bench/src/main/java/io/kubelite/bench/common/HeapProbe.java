package io.kubelite.bench.common;

import java.lang.management.ManagementFactory;

/**
 * Heap in use after a full collection: the live set, as far as {@code System.gc()} (a full
 * collection with the JVM's default collectors) can tell. Differences between two probes are
 * what the objects created in between keep alive.
 */
public final class HeapProbe {
    private HeapProbe() {}

    public static long liveBytes() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
