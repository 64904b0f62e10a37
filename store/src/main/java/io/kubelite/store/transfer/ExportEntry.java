package io.kubelite.store.transfer;

import java.util.Objects;

/**
 * One key of an export.
 *
 * @param key        the key relative to the export's prefix, without a leading '/',
 *                   e.g. {@code pods/default/web-1}
 * @param value      the stored value, byte for byte ({@code k8l\0} + Envelope)
 * @param ttlSeconds remaining TTL of the key's lease when it was exported; 0 when the
 *                   key has no lease
 */
public record ExportEntry(String key, byte[] value, long ttlSeconds) {
    public ExportEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must not be negative: " + ttlSeconds);
        }
    }

    public boolean leased() {
        return ttlSeconds > 0;
    }
}
