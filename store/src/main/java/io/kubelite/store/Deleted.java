package io.kubelite.store;

/** The result of a delete: the object's last state and the revision of the delete. */
public record Deleted<T>(T object, long revision) {}
