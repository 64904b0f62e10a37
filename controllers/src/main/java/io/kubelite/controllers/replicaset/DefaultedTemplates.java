package io.kubelite.controllers.replicaset;

import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.api.ReplicaSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pod spec each ReplicaSet's template gives once the API server's defaulting and admission
 * ({@link PodSpecDefaults}) are applied, computed once per template instead of once per pod
 * created. An entry is reused only while the ReplicaSet's template equals the one it was computed
 * from, so an edited template is defaulted afresh; {@link #forget} drops a deleted ReplicaSet's.
 */
final class DefaultedTemplates {
    private record Entry(PodTemplateSpec template, PodSpec spec) {}

    private final Map<String, Entry> byUid = new ConcurrentHashMap<>();

    /** The defaulted spec of {@code rs}'s template. */
    PodSpec spec(ReplicaSet rs) {
        PodTemplateSpec t = rs.getSpec().getTemplate();
        String uid = rs.getMetadata().getUid();
        Entry e = byUid.get(uid);
        if (e == null || !e.template().equals(t)) {
            e = new Entry(t, PodSpecDefaults.admission(PodSpecDefaults.scheme(t.getSpec())));
            byUid.put(uid, e);
        }
        return e.spec();
    }

    void forget(String uid) {
        byUid.remove(uid);
    }
}
