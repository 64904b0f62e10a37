package io.kubelite.controllers.volume;

import io.kubelite.api.ObjectReference;
import io.kubelite.api.PersistentVolume;
import io.kubelite.api.PersistentVolumeClaim;

/** The object references the PV controller writes and its events name. */
final class ClaimRefs {
    private ClaimRefs() {}

    /** A volume's claimRef to {@code c}, as kube's {@code GetReference} makes it. */
    static ObjectReference of(PersistentVolumeClaim c) {
        return ObjectReference.newBuilder()
                .setKind("PersistentVolumeClaim")
                .setApiVersion("v1")
                .setNamespace(c.getMetadata().getNamespace())
                .setName(c.getMetadata().getName())
                .setUid(c.getMetadata().getUid())
                .setResourceVersion(c.getMetadata().getResourceVersion())
                .build();
    }

    /** The reference events about {@code pv} name. */
    static ObjectReference of(PersistentVolume pv) {
        return ObjectReference.newBuilder()
                .setKind("PersistentVolume")
                .setApiVersion("v1")
                .setName(pv.getMetadata().getName())
                .setUid(pv.getMetadata().getUid())
                .setResourceVersion(pv.getMetadata().getResourceVersion())
                .build();
    }
}
