package io.kubelite.kinds.core.resourcequota;

import io.kubelite.api.ResourceQuota;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ResourceQuotas ({@code v1}, namespaced, {@code quota}) with their status subresource: a
 * namespace's hard limits, enforced by the ResourceQuota admission, and the usage the quota
 * controller and the admission keep in {@code status.used}. kubectl's columns: NAME AGE
 * REQUEST LIMIT, where REQUEST lists {@code name: used/hard} of every limit not named
 * {@code limits.*} and LIMIT the others.
 */
public final class ResourceQuotaKind {
    public static final Resource<ResourceQuota> RESOURCE = new Resource<>(
            "", "v1", "ResourceQuota", "resourcequotas", true, ResourceQuota.getDefaultInstance(), List.of("quota"));

    public static final Kind<ResourceQuota> KIND = Kind.of(RESOURCE)
            .strategy(new ResourceQuotaStrategy())
            .columns(List.of(
                    Cells.name(ResourceQuota::getMetadata),
                    Cells.age(ResourceQuota::getMetadata),
                    Column.of(
                            "Request",
                            "string",
                            "Request represents a minimum amount of cpu/memory that a container may consume.",
                            (q, now) -> usedOverHard(q, false)),
                    Column.of(
                            "Limit",
                            "string",
                            "Limits control the maximum amount of cpu/memory that a container may use independent"
                                    + " of contention on the node.",
                            (q, now) -> usedOverHard(q, true))))
            .subresources(Subresource.status())
            .build();

    private ResourceQuotaKind() {}

    /** kube's {@code printResourceQuota}: {@code pods: 1/2, requests.cpu: 500m/1} over status.hard, sorted. */
    private static String usedOverHard(ResourceQuota q, boolean limits) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(q.getStatus().getHardMap()).entrySet()) {
            String[] pieces = e.getKey().split("\\.");
            boolean isLimit = pieces.length > 1 && pieces[0].equals("limits");
            if (isLimit == limits) {
                out.add(e.getKey() + ": " + canonical(q.getStatus().getUsedMap().getOrDefault(e.getKey(), "0")) + "/"
                        + canonical(e.getValue()));
            }
        }
        return String.join(", ", out);
    }

    private static String canonical(String q) {
        return QuotaCharge.parseOrZero(q).toString();
    }
}
