package io.kubelite.kinds.batch.job;

import io.kubelite.api.Container;
import io.kubelite.api.Job;
import io.kubelite.api.JobSpec;
import io.kubelite.api.JobStatus;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.table.HumanDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** kube's Job columns and cells ({@code jobColumnDefinitions}, {@code printJob}, kubectl 1.32). */
final class JobColumns {
    static final List<Column<Job>> COLUMNS = List.of(
            Cells.name(Job::getMetadata),
            Column.of("Status", "string", "Status of the job.", (j, now) -> status(j)),
            Column.of(
                    "Completions",
                    "string",
                    "The number of pods which reached phase Succeeded. The value increases monotonically for a given"
                            + " spec. However, it may decrease in reaction to scale down of elastic indexed jobs.",
                    (j, now) -> completions(j)),
            Column.of("Duration", "string", "Time required to complete the job.", JobColumns::duration),
            Cells.age(Job::getMetadata),
            Column.wide(
                    "Containers",
                    "string",
                    "Names of each container in the template.",
                    (j, now) -> containers(j).stream().map(Container::getName).collect(Collectors.joining(","))),
            Column.wide(
                    "Images",
                    "string",
                    "Images referenced by each container in the template.",
                    (j, now) -> containers(j).stream().map(Container::getImage).collect(Collectors.joining(","))),
            Column.wide(
                    "Selector",
                    "string",
                    "A label query over pods that should match the pod count. Normally, the system sets this field"
                            + " for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/"
                            + "labels/#label-selectors",
                    (j, now) -> j.getSpec().hasSelector()
                            ? Cells.selector(j.getSpec().getSelector())
                            : "<none>"));

    private JobColumns() {}

    /** Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running. */
    static String status(Job j) {
        if (Jobs.isTrue(j, Jobs.COMPLETE)) {
            return "Complete";
        } else if (Jobs.isTrue(j, Jobs.FAILED)) {
            return "Failed";
        } else if (j.getMetadata().hasDeletionTimestamp()) {
            return "Terminating";
        } else if (Jobs.isTrue(j, Jobs.SUSPENDED)) {
            return "Suspended";
        } else if (Jobs.isTrue(j, Jobs.FAILURE_TARGET)) {
            return "FailureTarget";
        } else if (Jobs.isTrue(j, Jobs.SUCCESS_CRITERIA_MET)) {
            return "SuccessCriteriaMet";
        }
        return "Running";
    }

    /** {@code 1/3}, or with no completions {@code 0/1} ({@code 0/1 of 4} above parallelism 1). */
    static String completions(Job j) {
        JobSpec s = j.getSpec();
        int ok = j.getStatus().getSucceeded();
        if (s.hasCompletions()) {
            return ok + "/" + s.getCompletions();
        }
        int parallelism = s.hasParallelism() ? s.getParallelism() : 0;
        return parallelism > 1 ? ok + "/1 of " + parallelism : ok + "/1";
    }

    /** Completion minus start; while running, now minus start; nothing before the start. */
    static String duration(Job j, Instant now) {
        JobStatus st = j.getStatus();
        if (!st.hasStartTime()) {
            return "";
        }
        Instant start = Instant.ofEpochSecond(
                st.getStartTime().getSeconds(), st.getStartTime().getNanos());
        Instant end = st.hasCompletionTime()
                ? Instant.ofEpochSecond(
                        st.getCompletionTime().getSeconds(),
                        st.getCompletionTime().getNanos())
                : now;
        return HumanDuration.format(Duration.between(start, end));
    }

    private static List<Container> containers(Job j) {
        return j.getSpec().getTemplate().getSpec().getContainersList();
    }
}
