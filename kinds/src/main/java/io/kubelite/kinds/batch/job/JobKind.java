package io.kubelite.kinds.batch.job;

import io.kubelite.api.Job;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import java.util.List;

/** Jobs ({@code batch/v1}, namespaced) with their status subresource; the Job controller writes the status. */
public final class JobKind {
    public static final Resource<Job> RESOURCE =
            new Resource<>("batch", "v1", "Job", "jobs", true, Job.getDefaultInstance(), List.of());

    public static final Kind<Job> KIND = Kind.of(RESOURCE)
            .strategy(new JobStrategy())
            .columns(JobColumns.COLUMNS)
            .subresources(Subresource.status())
            .build();

    private JobKind() {}
}
