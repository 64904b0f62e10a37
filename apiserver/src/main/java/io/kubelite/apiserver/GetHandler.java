package io.kubelite.apiserver;

import com.google.protobuf.Message;
import java.time.Instant;

/**
 * GET of one object: from the watch cache when the requested resourceVersion allows it
 * (see {@link QueryOptions#fromCache}), else (and always for a resource without a cache) a
 * quorum read from etcd. Answers the object,
 * its Table, or its Kubernetes protobuf when the Accept header asks for one ({@link OutputMediaType}).
 */
final class GetHandler {
    private GetHandler() {}

    static <T extends Message> void get(RequestScope<T> s) {
        OutputMediaType format = OutputMediaType.of(s.request());
        WatchCache<T> cache = s.cached() ? s.cache() : null;
        if (cache != null && QueryOptions.fromCache(s.request(), cache.revision()) && cache.hasSynced()) {
            WatchCache.Entry<T> e = cache.get(s.namespace(), s.name());
            if (e == null) {
                s.request().fail(ApiException.notFound(s.resource(), s.name()));
            } else if (format.table()) {
                sendTable(s, format, e.object());
            } else if (format.protobuf() && s.representation().protobuf()) {
                s.request().bytes(200, s.representation().protobufTyped(e.object(), e), KubeProtobuf.MEDIA_TYPE);
            } else {
                s.request().bytes(200, s.representation().typed(e.object(), e.json()));
            }
            return;
        }
        s.then(s.store().get(s.namespace(), s.name()), s.name(), o -> {
            if (format.table()) {
                sendTable(s, format, o);
            } else if (format.protobuf() && s.representation().protobuf()) {
                s.request().bytes(200, s.representation().protobufTyped(o, null), KubeProtobuf.MEDIA_TYPE);
            } else {
                s.sendObject(200, o);
            }
        });
    }

    private static <T extends Message> void sendTable(RequestScope<T> s, OutputMediaType format, T obj) {
        TableConvertor<T> t = new TableConvertor<>(s.resource(), format, Instant.now());
        s.request().json(200, t.one(obj, true));
    }
}
