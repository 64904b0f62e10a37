package io.kubelite.kinds.apiregistration.apiservice;

import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceCondition;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.Optional;

/**
 * APIServices ({@code apiregistration.k8s.io/v1}, cluster-scoped) with their status subresource:
 * each registers one group-version, served by the API server itself (no {@code spec.service}, a
 * "local" APIService) or proxied to a Service. kube-aggregator's table: NAME, SERVICE
 * ({@code namespace/name} or {@code Local}), AVAILABLE ({@code True}, or
 * {@code False (Reason)}), AGE.
 */
public final class APIServiceKind {
    /** The condition type the availability check sets. */
    public static final String AVAILABLE = "Available";

    public static final Resource<APIService> RESOURCE = new Resource<>(
            "apiregistration.k8s.io",
            "v1",
            "APIService",
            "apiservices",
            false,
            APIService.getDefaultInstance(),
            List.of());

    public static final Kind<APIService> KIND = Kind.of(RESOURCE)
            .strategy(new APIServiceStrategy())
            .columns(List.of(
                    Cells.name(APIService::getMetadata),
                    Column.of(
                            "Service",
                            "string",
                            "The reference to the service that hosts this API endpoint.",
                            (a, now) -> service(a)),
                    Column.of("Available", "string", "Whether this service is available.", (a, now) -> available(a)),
                    Cells.age(APIService::getMetadata)))
            .subresources(Subresource.status())
            .build();

    private APIServiceKind() {}

    /** Whether the group-version is served by the API server itself (kube: {@code spec.service == nil}). */
    public static boolean isLocal(APIService a) {
        return !a.getSpec().hasService();
    }

    /** The APIService's Available condition, if it has one. */
    public static Optional<APIServiceCondition> availableCondition(APIService a) {
        return a.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(AVAILABLE))
                .findFirst();
    }

    /** kube-aggregator's SERVICE cell. */
    static String service(APIService a) {
        return isLocal(a)
                ? "Local"
                : a.getSpec().getService().getNamespace() + "/"
                        + a.getSpec().getService().getName();
    }

    /** kube-aggregator's AVAILABLE cell: the status, with the reason in parentheses unless True. */
    static String available(APIService a) {
        return availableCondition(a)
                .map(c -> c.getStatus().equals("True") ? "True" : c.getStatus() + " (" + c.getReason() + ")")
                .orElse("Unknown");
    }
}
