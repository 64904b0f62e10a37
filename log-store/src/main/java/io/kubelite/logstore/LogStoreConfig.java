package io.kubelite.logstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LogStore} keeps its data.
 *
 * @param partition      time span of one index partition
 * @param retention      lines older than this are dropped with their partition; zero: kept by age forever
 * @param retentionBytes the oldest partitions are dropped while the index is larger; 0: no size limit
 */
public record LogStoreConfig(Path dataDir, Duration partition, Duration retention, long retentionBytes) {
    public LogStoreConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        if (partition.isZero() || partition.isNegative()) {
            throw new IllegalArgumentException("partition must be positive");
        }
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative");
        }
        if (retentionBytes < 0) {
            throw new IllegalArgumentException("retentionBytes must not be negative");
        }
    }
}
