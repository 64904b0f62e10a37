package io.kubelite.store.transfer;

/**
 * What {@link StoreImporter#importFile} wrote.
 *
 * @param sourcePrefix   prefix the export was read under
 * @param sourceRevision revision the export was read at
 * @param targetPrefix   prefix the keys were written under
 * @param keys           keys written
 * @param leasedKeys     of which attached to a fresh lease
 * @param leases         leases granted (one per distinct ttl)
 * @param transactions   etcd transactions used
 * @param revision       the target's revision after the last write (0 when nothing was written)
 */
public record ImportSummary(
        String sourcePrefix,
        long sourceRevision,
        String targetPrefix,
        long keys,
        long leasedKeys,
        int leases,
        int transactions,
        long revision) {}
