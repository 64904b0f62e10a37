package io.kubelite.apiserver;

/**
 * What a quorum read of one resource's key prefix saw: etcd's revision at the read, the
 * highest mod revision of any key in the prefix (0 when empty) and how many keys there were.
 */
public record EtcdState(long revision, long lastModRevision, long count) {}
