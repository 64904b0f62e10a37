package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.Resource;
import io.kubelite.store.watch.WatchEvent;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One change (the resourceVersion of its object is the change's revision), with its
 * watch event encoded once and shared by every watcher: the line of its own type is
 * built with the change (or, for a change replayed from the history, on first use), the
 * ADDED/DELETED forms a selector transition needs and the WebSocket text forms on first
 * use. The typed JSON is kept only inside the line; the history keeps no encoding at all
 * ({@link #unencoded()}).
 */
public final class WatchChange<T extends Message> implements EncodedEvent {
    private static final WatchEvent.Type[] TYPES = WatchEvent.Type.values();

    private final Resource<T> resource;
    private final WatchEvent.Type type;
    private final T object;
    private final T previous;
    private final ObjectMeta meta;
    private final ObjectMeta previousMeta;
    private final long revision;
    // the event lines and their text forms, by WatchEvent.Type ordinal; set once, read by any event loop
    private final AtomicReferenceArray<Buffer> lines = new AtomicReferenceArray<>(TYPES.length);
    private final AtomicReferenceArray<String> texts = new AtomicReferenceArray<>(TYPES.length);

    /** A change whose own event line is built now, from {@code typedJson} (the object with kind and apiVersion). */
    public WatchChange(
            Resource<T> resource, WatchEvent.Type type, T object, T previous, long revision, byte[] typedJson) {
        this(
                resource,
                type,
                object,
                previous,
                resource.meta(object),
                previous == null ? null : resource.meta(previous),
                revision);
        lines.set(type.ordinal(), Buffer.buffer(Codec.eventLine(type.name(), typedJson)));
    }

    private WatchChange(
            Resource<T> resource,
            WatchEvent.Type type,
            T object,
            T previous,
            ObjectMeta meta,
            ObjectMeta previousMeta,
            long revision) {
        this.resource = resource;
        this.type = type;
        this.object = object;
        this.previous = previous;
        // read once here, not by each of a thousand watchers' selectors (a reflective protobuf read)
        this.meta = meta;
        this.previousMeta = previousMeta;
        this.revision = revision;
    }

    /**
     * The same change without its encodings, for the watch cache's history: the objects are the
     * cache's own (shared), and the event line is built again only if a watcher resumes from before
     * it (kube's history holds decoded objects; serializations live only while being delivered).
     */
    WatchChange<T> unencoded() {
        return new WatchChange<>(resource, type, object, previous, meta, previousMeta, revision);
    }

    public WatchEvent.Type type() {
        return type;
    }

    public T object() {
        return object;
    }

    public T previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    public ObjectMeta meta() {
        return meta;
    }

    /** The previous object's metadata, or null. */
    public ObjectMeta previousMeta() {
        return previousMeta;
    }

    /** The object with kind and apiVersion, as JSON (a copy). */
    public byte[] typedJson() {
        Buffer own = lines.get(type.ordinal());
        if (own == null) {
            return Codec.typed(resource, object);
        }
        int head = ("{\"type\":\"" + type.name() + "\",\"object\":").length();
        return own.getBytes(head, own.length() - 2);
    }

    /** The event line of this change's own type. */
    @Override
    public Buffer line() {
        return line(type);
    }

    @Override
    public String text() {
        return text(type);
    }

    /** This change's object as an event of another type (an object entering or leaving a selection). */
    EncodedEvent as(WatchEvent.Type t) {
        if (t == type) {
            return this;
        }
        return new EncodedEvent() {
            @Override
            public Buffer line() {
                return WatchChange.this.line(t);
            }

            @Override
            public String text() {
                return WatchChange.this.text(t);
            }
        };
    }

    private Buffer line(WatchEvent.Type t) {
        Buffer b = lines.get(t.ordinal());
        if (b == null) {
            b = Buffer.buffer(Codec.eventLine(t.name(), typedJson()));
            // a racing loop may have set it: keep the first so every watcher shares one
            if (!lines.compareAndSet(t.ordinal(), null, b)) {
                b = lines.get(t.ordinal());
            }
        }
        return b;
    }

    private String text(WatchEvent.Type t) {
        String s = texts.get(t.ordinal());
        if (s == null) {
            s = EncodedEvent.textOf(line(t));
            if (!texts.compareAndSet(t.ordinal(), null, s)) {
                s = texts.get(t.ordinal());
            }
        }
        return s;
    }
}
