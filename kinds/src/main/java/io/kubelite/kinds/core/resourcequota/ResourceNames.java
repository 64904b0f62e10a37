package io.kubelite.kinds.core.resourcequota;

import io.kubelite.kinds.validation.Names;
import java.util.Set;

/**
 * kube's resource names as quotas and limit ranges use them: the standard names
 * ({@code pods}, {@code requests.cpu}, ...), {@code count/<resource>[.<group>]}, and
 * names qualified with a domain ({@code example.com/gpu}, {@code requests.example.com/gpu}).
 */
public final class ResourceNames {
    public static final String PODS = "pods";
    public static final String SERVICES = "services";
    public static final String LOAD_BALANCERS = "services.loadbalancers";
    public static final String NODE_PORTS = "services.nodeports";
    public static final String CONFIGMAPS = "configmaps";
    public static final String SECRETS = "secrets";
    public static final String CLAIMS = "persistentvolumeclaims";
    public static final String RESOURCE_QUOTAS = "resourcequotas";
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String REQUESTS_CPU = "requests.cpu";
    public static final String REQUESTS_MEMORY = "requests.memory";
    public static final String LIMITS_CPU = "limits.cpu";
    public static final String LIMITS_MEMORY = "limits.memory";
    public static final String REQUESTS_STORAGE = "requests.storage";
    public static final String COUNT_PREFIX = "count/";

    /** The resources whose every container must state a request or limit when a quota tracks them (kube's validationSet). */
    public static final Set<String> CONTAINER_REQUIRED =
            Set.of(CPU, MEMORY, REQUESTS_CPU, REQUESTS_MEMORY, LIMITS_CPU, LIMITS_MEMORY);

    private static final Set<String> STANDARD = Set.of(
            PODS,
            SERVICES,
            LOAD_BALANCERS,
            NODE_PORTS,
            CONFIGMAPS,
            SECRETS,
            CLAIMS,
            RESOURCE_QUOTAS,
            "replicationcontrollers",
            CPU,
            MEMORY,
            "ephemeral-storage",
            "storage",
            REQUESTS_CPU,
            REQUESTS_MEMORY,
            REQUESTS_STORAGE,
            "requests.ephemeral-storage",
            LIMITS_CPU,
            LIMITS_MEMORY,
            "limits.ephemeral-storage");

    private ResourceNames() {}

    /** Null when {@code name} is a resource name kube accepts in a quota or limit range, else why not. */
    public static String nameError(String name) {
        if (STANDARD.contains(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-")) {
            return null;
        }
        if (name.startsWith(COUNT_PREFIX)) {
            String rest = name.substring(COUNT_PREFIX.length());
            return rest.isEmpty() ? "must be a standard resource for quota" : Names.dns1123SubdomainError(rest);
        }
        if (name.contains("/")) {
            return Names.qualifiedNameError(name.startsWith("requests.") ? name.substring(9) : name) == null
                    ? null
                    : "must be a standard resource for quota";
        }
        return "must be a standard resource for quota";
    }
}
