package io.kubelite.apiserver;

import com.google.protobuf.Message;

/**
 * GET of one object: from the watch cache when the requested resourceVersion allows it
 * (see {@link QueryOptions#fromCache}), else a quorum read from etcd.
 */
final class GetHandler {
    private GetHandler() {}

    static <T extends Message> void get(RequestScope<T> s) {
        WatchCache<T> cache = s.cache();
        if (QueryOptions.fromCache(s.request(), cache.revision()) && cache.hasSynced()) {
            WatchCache.Entry<T> e = cache.get(s.namespace(), s.name());
            if (e == null) {
                s.request().fail(ApiException.notFound(s.resource(), s.name()));
            } else {
                s.request().bytes(200, s.representation().typed(e.object(), e.json()));
            }
            return;
        }
        s.then(s.store().get(s.namespace(), s.name()), s.name(), o -> s.sendObject(200, o));
    }
}
