package io.kubelite.kinds.batch.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.kubelite.api.Container;
import io.kubelite.api.CronJob;
import io.kubelite.api.CronJobSpec;
import io.kubelite.api.CronJobStatus;
import io.kubelite.api.JobSpec;
import io.kubelite.api.JobTemplateSpec;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.ObjectReference;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The CronJob kind and its schedule parser as pure functions. */
class CronJobKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:30Z");

    static CronJob hello(String schedule) {
        return CronJob.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("hello")
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 600)))
                .setSpec(CronJobSpec.newBuilder()
                        .setSchedule(schedule)
                        .setJobTemplate(JobTemplateSpec.newBuilder()
                                .setSpec(JobSpec.newBuilder()
                                        .setTemplate(PodTemplateSpec.newBuilder()
                                                .setSpec(PodSpec.newBuilder()
                                                        .setRestartPolicy("OnFailure")
                                                        .addContainers(Container.newBuilder()
                                                                .setName("hello")
                                                                .setImage("busybox:1.28")))))))
                .build();
    }

    private static CronJob create(CronJob c) {
        var s = CronJobKind.KIND.strategy();
        return s.prepareForCreate(s.defaults(c));
    }

    @Test
    void defaultsAndColumns() {
        CronJob c = create(hello("* * * * *"));
        assertThat(c.getSpec().getConcurrencyPolicy()).isEqualTo("Allow");
        assertThat(c.getSpec().getSuspend()).isFalse();
        assertThat(c.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
        assertThat(c.getSpec().getFailedJobsHistoryLimit()).isEqualTo(1);
        // the job template is not Job-defaulted, as in kube
        assertThat(c.getSpec().getJobTemplate().getSpec().hasBackoffLimit()).isFalse();
        assertThat(CronJobKind.KIND.validateCreate(c)).isEmpty();
        assertThat(Kinds.find("cj")).contains(CronJobKind.RESOURCE);
        assertThat(CronJobKind.KIND.columns().stream().map(x -> x.name()))
                .containsExactly(
                        "Name",
                        "Schedule",
                        "Timezone",
                        "Suspend",
                        "Active",
                        "Last Schedule",
                        "Age",
                        "Containers",
                        "Images",
                        "Selector");
        assertThat(CronJobKind.KIND.row(c, NOW, false))
                .containsExactly("hello", "* * * * *", "<none>", "False", "0", "<none>", "10m");
        CronJob active = c.toBuilder()
                .setSpec(c.getSpec().toBuilder().setTimeZone("Europe/Paris"))
                .setStatus(CronJobStatus.newBuilder()
                        .addActive(ObjectReference.newBuilder().setName("hello-1"))
                        .setLastScheduleTime(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 30)))
                .build();
        assertThat(CronJobKind.KIND.row(active, NOW, true))
                .containsExactly(
                        "hello",
                        "* * * * *",
                        "Europe/Paris",
                        "False",
                        "1",
                        "30s",
                        "10m",
                        "hello",
                        "busybox:1.28",
                        "<none>");
    }

    @Test
    void validationIsKubes() {
        assertThat(CronJobKind.KIND.validateCreate(create(hello("bad"))))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.schedule", "Invalid value: \"bad\": expected exactly 5 fields, found 1: [bad]"));
        assertThat(CronJobKind.KIND.validateCreate(create(hello("61 * * * *"))))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61");
        assertThat(CronJobKind.KIND.validateCreate(create(hello("TZ=UTC 0 * * * *"))))
                .extracting(FieldError::message)
                .contains(
                        "Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        CronJob tz = hello("@hourly").toBuilder()
                .setSpec(hello("@hourly").getSpec().toBuilder().setTimeZone("Mars/Olympus"))
                .build();
        assertThat(CronJobKind.KIND.validateCreate(create(tz)))
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "spec.timeZone", "Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"));
        CronJob policy = hello("@daily").toBuilder()
                .setSpec(hello("@daily").getSpec().toBuilder().setConcurrencyPolicy("Sometimes"))
                .build();
        assertThat(CronJobKind.KIND.validateCreate(create(policy)))
                .extracting(FieldError::message)
                .containsExactly(
                        "Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"");
        CronJob longName = hello("@daily").toBuilder()
                .setMetadata(hello("@daily").getMetadata().toBuilder().setName("x".repeat(53)))
                .build();
        assertThat(CronJobKind.KIND.validateCreate(create(longName)))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"" + "x".repeat(53) + "\": must be no more than 52 characters");
    }

    @Test
    void schedulesFireAsRobfigsParser() {
        Instant t = Instant.parse("2026-12-04T12:00:30Z");
        assertThat(CronSchedule.parse("*/1 * * * *").next(t)).isEqualTo(Instant.parse("2026-12-04T12:01:00Z"));
        // strictly after: from an activation, the next one
        assertThat(CronSchedule.parse("*/1 * * * *").next(Instant.parse("2026-12-04T12:01:00Z")))
                .isEqualTo(Instant.parse("2026-12-04T12:02:00Z"));
        assertThat(CronSchedule.parse("@hourly").next(t)).isEqualTo(Instant.parse("2026-12-04T13:00:00Z"));
        assertThat(CronSchedule.parse("@daily").next(t)).isEqualTo(Instant.parse("2026-12-05T00:00:00Z"));
        assertThat(CronSchedule.parse("@weekly").next(t)).isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
        assertThat(CronSchedule.parse("@monthly").next(t)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(CronSchedule.parse("@yearly").next(t)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(CronSchedule.parse("@every 90s").next(t)).isEqualTo(Instant.parse("2026-12-04T12:02:00Z"));
        assertThat(CronSchedule.parse("0 0 ? * SUN").next(t)).isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
        // day of month and day of week both restricted: either matches
        assertThat(CronSchedule.parse("0 0 13 * 5").next(t)).isEqualTo(Instant.parse("2026-12-11T00:00:00Z"));
        // a time zone moves the activation
        assertThat(CronSchedule.parse("0 9 * * *", ZoneId.of("Asia/Tokyo")).next(t))
                .isEqualTo(Instant.parse("2026-12-05T00:00:00Z"));
        assertThat(CronSchedule.parse("0 0 31 2 *").next(t)).isNull();
        assertThatThrownBy(() -> CronSchedule.parse("@fortnightly"))
                .hasMessage("unrecognized descriptor: @fortnightly");
    }
}
