package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.google.protobuf.Timestamp;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionCondition;
import io.kubelite.api.CustomResourceDefinitionStatus;
import io.kubelite.api.CustomResourceDefinitionVersion;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The status kube's apiextensions controllers give a CRD, computed when the spec is written:
 * {@code storedVersions} gains the storage version (kube's strategy), {@code acceptedNames} is
 * {@code spec.names} and the conditions {@code NamesAccepted} and {@code Established} are True
 * (kube's NamingConditionController and EstablishingController, with kube's reasons and
 * messages). kubelite serves a CRD's resource as soon as it is stored, so there is no window
 * in which it is accepted and not yet established. Name conflicts with another CRD of the same
 * group (kind, singular, short names) are not detected yet: the last writer's names are served.
 */
public final class CrdStatus {
    /**
     * kube's finalizer on every CRD (added at create): the CRD stays, Terminating, until its
     * custom objects are deleted; then the API server's {@code CustomResourceCleanup} removes it.
     */
    public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

    private CrdStatus() {}

    /** {@code crd} with its {@code type} condition set as given; its time changes only with its status. */
    public static CustomResourceDefinition withCondition(
            CustomResourceDefinition crd, String type, boolean status, String reason, String message, Instant now) {
        CustomResourceDefinitionStatus.Builder st = crd.getStatus().toBuilder();
        set(st, type, status ? "True" : "False", reason, message, now);
        return crd.toBuilder().setStatus(st).build();
    }

    /** Whether the CRD is being deleted and still waits for its custom objects to go. */
    public static boolean terminating(CustomResourceDefinition crd) {
        return crd.getMetadata().hasDeletionTimestamp()
                && crd.getMetadata().getFinalizersList().contains(CLEANUP_FINALIZER);
    }

    /** {@code crd} with the status its spec implies, keeping each condition's time when its status is unchanged. */
    public static CustomResourceDefinition established(CustomResourceDefinition crd, Instant now) {
        CustomResourceDefinitionStatus.Builder st = crd.getStatus().toBuilder();
        for (CustomResourceDefinitionVersion v : crd.getSpec().getVersionsList()) {
            if (v.getStorage() && !st.getStoredVersionsList().contains(v.getName())) {
                st.addStoredVersions(v.getName());
            }
        }
        st.setAcceptedNames(crd.getSpec().getNames());
        set(st, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
        set(st, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
        return crd.toBuilder().setStatus(st).build();
    }

    /** Whether the CRD's {@code type} condition is True. */
    public static boolean isTrue(CustomResourceDefinition crd, String type) {
        return crd.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
    }

    private static void set(
            CustomResourceDefinitionStatus.Builder st,
            String type,
            String status,
            String reason,
            String message,
            Instant now) {
        for (int i = 0; i < st.getConditionsCount(); i++) {
            CustomResourceDefinitionCondition c = st.getConditions(i);
            if (c.getType().equals(type)) {
                CustomResourceDefinitionCondition.Builder b =
                        c.toBuilder().setReason(reason).setMessage(message);
                if (!c.getStatus().equals(status)) {
                    b.setStatus(status).setLastTransitionTime(timestamp(now));
                }
                st.setConditions(i, b);
                return;
            }
        }
        st.addConditions(CustomResourceDefinitionCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastTransitionTime(timestamp(now)));
    }

    private static Timestamp timestamp(Instant now) {
        return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
    }

    /** A timestamp as a Table's {@code date} cell prints it ({@code 2026-12-04T23:10:03Z}). */
    static String rfc3339(Timestamp t) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(t.getSeconds()));
    }
}
