package io.kubelite.store.transfer;

/**
 * First line of an export: which format, which prefix the keys were read under, and
 * the one etcd revision every key was read at.
 *
 * @param format     always {@link ExportFormat#V1} for files this build writes
 * @param prefix     the source key prefix (keys in the file are relative to it)
 * @param revision   the etcd revision the whole export was read at
 * @param exportedAt ISO-8601 instant the export started (informational)
 */
public record ExportHeader(String format, String prefix, long revision, String exportedAt) {}
