package io.kubelite.kubelet.node;

import io.kubelite.kubelet.clock.TimeScale;
import java.time.Duration;

/** The heartbeat settings of every node in the process (unscaled; {@link TimeScale} shrinks them). */
public record NodeTiming(
        Duration leaseDuration,
        Duration leaseRenewInterval,
        Duration statusUpdateFrequency,
        Duration statusReportFrequency,
        TimeScale scale) {}
