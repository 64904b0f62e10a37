package io.kubelite.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.batch.v1beta1.CronJob;
import io.kubelite.api.batch.v1beta1.CronJobSpec;
import io.kubelite.kinds.batch.cronjob.CronJobV1beta1Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiVersionsTest {

    @Test
    void versionsSortAsKubeSortsThemForDiscovery() {
        List<String> vs = new ArrayList<>(
                List.of("v1alpha1", "v1", "foo", "v2beta2", "v1beta1", "v10", "v2", "v11alpha2", "v1beta10", "bar"));
        vs.sort(ApiVersions.PRIORITY);
        assertThat(vs)
                .containsExactly(
                        "v10", "v2", "v1", "v2beta2", "v1beta10", "v1beta1", "v11alpha2", "v1alpha1", "bar", "foo");
    }

    @Test
    void onlyGaVersionsAreOnByDefault() {
        assertThat(ApiVersions.enabledByDefault("v2")).isTrue();
        assertThat(ApiVersions.enabledByDefault("v1beta1")).isFalse();
        assertThat(ApiVersions.enabledByDefault("v1alpha1")).isFalse();
        assertThat(ApiVersions.stability("v1foo")).isEqualTo(ApiVersions.Stability.OTHER);
    }

    @Test
    void aSameSchemaVersionConvertsThroughItsBytesBothWays() {
        CronJob beta = CronJob.newBuilder()
                .setApiVersion("batch/v1beta1")
                .setKind("CronJob")
                .setSpec(CronJobSpec.newBuilder()
                        .setSchedule("*/5 * * * *")
                        .setSuspend(true)
                        .setTimeZone("UTC"))
                .build();
        @SuppressWarnings("unchecked")
        Storage.ViewOf<CronJob, io.kubelite.api.CronJob> view =
                (Storage.ViewOf<CronJob, io.kubelite.api.CronJob>) CronJobV1beta1Kind.KIND.storage();

        io.kubelite.api.CronJob v1 = view.conversion().toStorage(beta);

        assertThat(v1.getSpec().getSchedule()).isEqualTo("*/5 * * * *");
        assertThat(v1.getSpec().getSuspend()).isTrue();
        assertThat(v1.getApiVersion()).isEmpty();
        assertThat(view.conversion().fromStorage(v1))
                .isEqualTo(beta.toBuilder().clearApiVersion().clearKind().build());
    }
}
