package io.kubelite.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-scheduling-cycle scratch space shared by one plugin's extension points (PreFilter
 * computes, Filter reads). Created for each pod attempt; confined to the scheduling thread.
 */
public final class CycleState {
    private final Map<String, Object> data = new HashMap<>();

    public void write(String key, Object value) {
        data.put(key, value);
    }

    public <T> T read(String key, Class<T> type) {
        Object v = data.get(key);
        return v == null ? null : type.cast(v);
    }
}
