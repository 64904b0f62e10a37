package io.kubelite.kinds.batch.cronjob;

import io.kubelite.api.Container;
import io.kubelite.api.CronJob;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;
import java.util.stream.Collectors;

/**
 * CronJobs ({@code batch/v1}, namespaced, short name {@code cj}) with their status subresource,
 * and kube's columns ({@code cronJobColumnDefinitions}, {@code printCronJob}).
 */
public final class CronJobKind {
    public static final Resource<CronJob> RESOURCE =
            new Resource<>("batch", "v1", "CronJob", "cronjobs", true, CronJob.getDefaultInstance(), List.of("cj"));

    static final List<Column<CronJob>> COLUMNS = List.of(
            Cells.name(CronJob::getMetadata),
            Column.of(
                    "Schedule",
                    "string",
                    "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
                    (c, now) -> c.getSpec().getSchedule()),
            Column.of(
                    "Timezone",
                    "string",
                    "The time zone name for the given schedule, see"
                            + " https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this"
                            + " will default to the time zone of the kube-controller-manager process. The set of valid"
                            + " time zone names and the time zone offset is loaded from the system-wide time zone"
                            + " database by the API server during CronJob validation and the controller manager"
                            + " during execution. If no system-wide time zone database can be found a bundled version"
                            + " of the database is used instead. If the time zone name becomes invalid during the"
                            + " lifetime of a CronJob or due to a change in host configuration, the controller will"
                            + " stop creating new new Jobs and will create a system event with the reason"
                            + " UnknownTimeZone. More information can be found in"
                            + " https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
                    (c, now) -> c.getSpec().hasTimeZone() ? c.getSpec().getTimeZone() : "<none>"),
            Column.of(
                    "Suspend",
                    "boolean",
                    "This flag tells the controller to suspend subsequent executions, it does not apply to already"
                            + " started executions.  Defaults to false.",
                    (c, now) -> c.getSpec().hasSuspend() ? (c.getSpec().getSuspend() ? "True" : "False") : "<unset>"),
            Column.of("Active", "integer", "A list of pointers to currently running jobs.", (c, now) ->
                    (long) c.getStatus().getActiveCount()),
            Column.of(
                    "Last Schedule",
                    "string",
                    "Information when was the last time the job was successfully scheduled.",
                    (c, now) -> c.getStatus().hasLastScheduleTime()
                            ? Cells.age(c.getStatus().getLastScheduleTime(), now)
                            : "<none>"),
            Cells.age(CronJob::getMetadata),
            Column.wide(
                    "Containers",
                    "string",
                    "Names of each container in the template.",
                    (c, now) -> containers(c).stream().map(Container::getName).collect(Collectors.joining(","))),
            Column.wide(
                    "Images",
                    "string",
                    "Images referenced by each container in the template.",
                    (c, now) -> containers(c).stream().map(Container::getImage).collect(Collectors.joining(","))),
            Column.wide(
                    "Selector",
                    "string",
                    "A label query over pods that should match the pod count. Normally, the system sets this field"
                            + " for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/"
                            + "labels/#label-selectors",
                    (c, now) -> c.getSpec().getJobTemplate().getSpec().hasSelector()
                            ? Cells.selector(
                                    c.getSpec().getJobTemplate().getSpec().getSelector())
                            : "<none>"));

    public static final Kind<CronJob> KIND = Kind.of(RESOURCE)
            .strategy(new CronJobStrategy())
            .columns(COLUMNS)
            .subresources(Subresource.status())
            .build();

    private CronJobKind() {}

    private static List<Container> containers(CronJob c) {
        return c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainersList();
    }
}
