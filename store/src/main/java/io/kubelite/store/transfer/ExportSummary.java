package io.kubelite.store.transfer;

import java.util.List;

/**
 * What {@link StoreExporter#export} wrote.
 *
 * @param prefix      the source prefix
 * @param revision    the one revision every key was read at
 * @param keys        keys written
 * @param leasedKeys  of which carry a ttl
 * @param skippedKeys full keys left out because their value is not a decodable kubelite object
 */
public record ExportSummary(String prefix, long revision, long keys, long leasedKeys, List<String> skippedKeys) {
    public ExportSummary {
        skippedKeys = List.copyOf(skippedKeys);
    }
}
