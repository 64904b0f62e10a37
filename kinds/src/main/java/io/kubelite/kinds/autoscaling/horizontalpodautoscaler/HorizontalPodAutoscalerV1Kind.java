package io.kubelite.kinds.autoscaling.horizontalpodautoscaler;

import io.kubelite.api.HorizontalPodAutoscaler;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/**
 * HorizontalPodAutoscalers at {@code autoscaling/v1}: the {@code autoscaling/v2} objects
 * ({@link HorizontalPodAutoscalerKind}, the storage version) converted both ways by
 * {@link HorizontalPodAutoscalerV1Conversion}, as kube serves them; the table is v2's.
 */
public final class HorizontalPodAutoscalerV1Kind {
    public static final Resource<HorizontalPodAutoscaler> RESOURCE = new Resource<>(
            "autoscaling",
            "v1",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            true,
            HorizontalPodAutoscaler.getDefaultInstance(),
            List.of("hpa"));

    public static final Kind<HorizontalPodAutoscaler> KIND = Kind.of(RESOURCE)
            .storedAs(HorizontalPodAutoscalerKind.KIND, new HorizontalPodAutoscalerV1Conversion())
            .subresources(Subresource.status())
            .categories("all")
            .build();

    private HorizontalPodAutoscalerV1Kind() {}
}
