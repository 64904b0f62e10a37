package io.kubelite.store.encryption;

/**
 * A value read back from etcd: the object's encoded bytes, and whether it was written by a
 * provider or key other than the one that writes now ({@code stale}: an update rewrites it
 * even when the object did not change).
 */
public record FromStorage(byte[] plain, boolean stale) {}
