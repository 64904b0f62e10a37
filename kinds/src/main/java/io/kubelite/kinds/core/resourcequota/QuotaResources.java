package io.kubelite.kinds.core.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.util.LinkedHashSet;
import java.util.Set;

/** Which resources' objects a quota's hard limits count: what its recount must list. */
public final class QuotaResources {
    private QuotaResources() {}

    /** The stored, namespaced resources whose objects use any of {@code hardNames}. */
    public static Set<Resource<? extends Message>> of(Set<String> hardNames) {
        Set<Resource<? extends Message>> out = new LinkedHashSet<>();
        for (Resource<? extends Message> r : Kinds.stored()) {
            if (!r.namespaced()) {
                continue;
            }
            for (String n : hardNames) {
                if (uses(r, n)) {
                    out.add(r);
                    break;
                }
            }
        }
        return out;
    }

    private static boolean uses(Resource<?> r, String name) {
        if (name.equals(Usage.countName(r))) {
            return true;
        }
        if (!r.group().isEmpty()) {
            return false;
        }
        return switch (r.plural()) {
            case "pods" ->
                !name.startsWith(ResourceNames.COUNT_PREFIX)
                        && !name.startsWith("services")
                        && !name.equals(ResourceNames.CONFIGMAPS)
                        && !name.equals(ResourceNames.SECRETS)
                        && !name.equals(ResourceNames.RESOURCE_QUOTAS)
                        && !name.equals("replicationcontrollers")
                        && !claimName(name);
            case "services" -> name.startsWith("services");
            case "persistentvolumeclaims" -> claimName(name);
            default -> name.equals(r.plural());
        };
    }

    private static boolean claimName(String name) {
        return name.equals(ResourceNames.CLAIMS)
                || name.equals(ResourceNames.REQUESTS_STORAGE)
                || name.contains(".storageclass.storage.k8s.io/");
    }
}
