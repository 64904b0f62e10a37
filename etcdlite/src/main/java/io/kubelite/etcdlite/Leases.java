package io.kubelite.etcdlite;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** Granted leases and the keys attached to them. Expiry deadlines live only in memory, as in etcd. */
final class Leases {
    static final long MIN_TTL = 2;
    static final long MAX_TTL = 9_000_000_000L;

    static final class Lease {
        final long id;
        final long ttl;
        volatile long expiresAtNanos;
        final Set<ByteString> keys = new ConcurrentSkipListSet<>(Mvcc.ORDER);

        Lease(long id, long ttl) {
            this.id = id;
            this.ttl = ttl;
            renew();
        }

        void renew() {
            expiresAtNanos = System.nanoTime() + ttl * 1_000_000_000L;
        }

        boolean expired(long now) {
            return now - expiresAtNanos >= 0;
        }

        long remainingSeconds() {
            return Math.max(0, (expiresAtNanos - System.nanoTime()) / 1_000_000_000L);
        }
    }

    final Map<Long, Lease> byId = new ConcurrentHashMap<>();

    Lease get(long id) {
        return byId.get(id);
    }

    void attach(ByteString key, long lease) {
        if (lease != 0) {
            Lease l = byId.get(lease);
            if (l != null) {
                l.keys.add(key);
            }
        }
    }

    void detach(ByteString key, long lease) {
        if (lease != 0) {
            Lease l = byId.get(lease);
            if (l != null) {
                l.keys.remove(key);
            }
        }
    }
}
