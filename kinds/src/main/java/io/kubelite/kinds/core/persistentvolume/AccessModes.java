package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access modes of PersistentVolumes and claims: kube's supported values, their validation
 * ({@code ValidatePersistentVolumeSpec}, {@code ValidatePersistentVolumeClaimSpec}) and
 * kubectl's short form ({@code GetAccessModesAsString}: {@code RWO,ROX,RWX,RWOP}).
 */
public final class AccessModes {
    public static final String READ_WRITE_ONCE = "ReadWriteOnce";
    public static final String READ_ONLY_MANY = "ReadOnlyMany";
    public static final String READ_WRITE_MANY = "ReadWriteMany";
    public static final String READ_WRITE_ONCE_POD = "ReadWriteOncePod";

    /** Supported modes in kube's order, with kubectl's abbreviation. */
    private static final Map<String, String> SHORT = new LinkedHashMap<>();

    static {
        SHORT.put(READ_WRITE_ONCE, "RWO");
        SHORT.put(READ_ONLY_MANY, "ROX");
        SHORT.put(READ_WRITE_MANY, "RWX");
        SHORT.put(READ_WRITE_ONCE_POD, "RWOP");
    }

    private AccessModes() {}

    /** The supported modes, in kube's order. */
    public static List<String> supported() {
        return List.copyOf(SHORT.keySet());
    }

    /**
     * kubectl's short form: each distinct supported mode once, in kube's order, joined by commas
     * ({@code RWO,RWX}); unknown modes are left out as kubectl does.
     */
    public static String toShortString(List<String> modes) {
        List<String> out = new ArrayList<>();
        SHORT.forEach((mode, abbrev) -> {
            if (modes.contains(mode)) {
                out.add(abbrev);
            }
        });
        return String.join(",", out);
    }

    /**
     * At least one mode, each supported, and ReadWriteOncePod alone. {@code requiredDetail} is
     * the detail of the Required error (kube's PV has none, its PVC says "at least 1 access mode
     * is required").
     */
    public static void validate(List<String> modes, String field, String requiredDetail, FieldErrors errs) {
        if (modes.isEmpty()) {
            if (requiredDetail.isEmpty()) {
                errs.required(field);
            } else {
                errs.required(field, requiredDetail);
            }
            return;
        }
        for (String m : modes) {
            if (!SHORT.containsKey(m)) {
                errs.notSupported(field, m, supported());
            }
        }
        if (modes.contains(READ_WRITE_ONCE_POD) && modes.size() > 1) {
            errs.forbidden(field, "may not use ReadWriteOncePod with other access modes");
        }
    }

    /** Whether {@code offered} (a volume's modes) includes every mode of {@code wanted} (a claim's). */
    public static boolean covers(List<String> offered, List<String> wanted) {
        return offered.containsAll(wanted);
    }
}
