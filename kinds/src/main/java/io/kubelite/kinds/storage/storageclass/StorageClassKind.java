package io.kubelite.kinds.storage.storageclass;

import io.kubelite.api.StorageClass;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * StorageClasses ({@code storage.k8s.io/v1}, cluster-scoped, {@code sc}): how claims of a class
 * get volumes. kubectl's columns: NAME (with {@code (default)} after the default class)
 * PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE.
 */
public final class StorageClassKind {
    /** kube's annotation marking the default class, and its beta predecessor. */
    public static final String IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

    public static final String BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
    public static final String IMMEDIATE = "Immediate";
    public static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

    public static final Resource<StorageClass> RESOURCE = new Resource<>(
            "storage.k8s.io",
            "v1",
            "StorageClass",
            "storageclasses",
            false,
            StorageClass.getDefaultInstance(),
            List.of("sc"));

    public static final Kind<StorageClass> KIND = Kind.of(RESOURCE)
            .strategy(new StorageClassStrategy())
            .columns(List.of(
                    Column.<StorageClass>of(
                                    "Name",
                                    "string",
                                    Cells.NAME_DOC,
                                    (sc, now) -> isDefault(sc)
                                            ? sc.getMetadata().getName() + " (default)"
                                            : sc.getMetadata().getName())
                            .withFormat("name"),
                    Column.of(
                            "Provisioner",
                            "string",
                            "provisioner indicates the type of the provisioner.",
                            (sc, now) -> sc.getProvisioner()),
                    Column.of(
                            "ReclaimPolicy",
                            "string",
                            "reclaimPolicy controls the reclaimPolicy for dynamically provisioned"
                                    + " PersistentVolumes of this storage class.",
                            (sc, now) -> sc.hasReclaimPolicy() ? sc.getReclaimPolicy() : "Delete"),
                    Column.of(
                            "VolumeBindingMode",
                            "string",
                            "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and"
                                    + " bound.",
                            (sc, now) -> sc.hasVolumeBindingMode() ? sc.getVolumeBindingMode() : IMMEDIATE),
                    Column.of(
                            "AllowVolumeExpansion",
                            "string",
                            "allowVolumeExpansion shows whether the storage class allow volume expand.",
                            (sc, now) -> Boolean.toString(sc.getAllowVolumeExpansion())),
                    Cells.age(StorageClass::getMetadata)))
            .build();

    private StorageClassKind() {}

    /** kube's {@code IsDefaultAnnotation}: the class is marked default by either annotation. */
    public static boolean isDefault(StorageClass sc) {
        return "true".equals(sc.getMetadata().getAnnotationsMap().get(IS_DEFAULT_CLASS))
                || "true".equals(sc.getMetadata().getAnnotationsMap().get(BETA_IS_DEFAULT_CLASS));
    }

    /**
     * kube's {@code GetDefaultClass}: of the classes marked default, the newest (kube 1.26+;
     * several may be marked while a default is being replaced), ties broken by name.
     */
    public static Optional<StorageClass> defaultOf(Collection<StorageClass> classes) {
        Comparator<StorageClass> newest = Comparator.comparing((StorageClass sc) -> {
                    var t = sc.getMetadata().getCreationTimestamp();
                    return t.getSeconds() * 1_000_000_000L + t.getNanos();
                })
                .thenComparing(sc -> sc.getMetadata().getName(), Comparator.reverseOrder());
        return classes.stream().filter(StorageClassKind::isDefault).max(newest);
    }

    /** The class's binding mode, Immediate when unset. */
    public static String bindingMode(StorageClass sc) {
        return sc.hasVolumeBindingMode() ? sc.getVolumeBindingMode() : IMMEDIATE;
    }
}
