package io.kubelite.kinds.batch.cronjob;

import io.kubelite.api.batch.v1beta1.CronJob;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.WireConversion;
import java.util.List;

/**
 * CronJobs at {@code batch/v1beta1}: a beta version, so served only when the API server's
 * {@code --runtime-config} enables it ({@code batch/v1beta1=true}, {@code api/beta=true}). The
 * objects are the {@code batch/v1} CronJobs ({@link CronJobKind}, the storage version); the
 * schemas agree on every field kubelite models, so the conversion is a {@link WireConversion}.
 */
public final class CronJobV1beta1Kind {
    public static final Resource<CronJob> RESOURCE = new Resource<>(
            "batch", "v1beta1", "CronJob", "cronjobs", true, CronJob.getDefaultInstance(), List.of("cj"));

    public static final Kind<CronJob> KIND = Kind.of(RESOURCE)
            .storedAs(
                    CronJobKind.KIND,
                    WireConversion.between(CronJob.getDefaultInstance(), io.kubelite.api.CronJob.getDefaultInstance()))
            .subresources(Subresource.status())
            .build();

    private CronJobV1beta1Kind() {}
}
