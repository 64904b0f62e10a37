package io.kubelite.bench.density;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The API server's histogram read as CL2 reads it: per verb and resource, between two scrapes. */
class ApiRequestHistogramsTest {
    private static String scrape(int fast, int slow) {
        String labels =
                "component=\"apiserver\",dry_run=\"\",group=\"apps\",resource=\"replicasets\",scope=\"namespace\","
                        + "subresource=\"\",verb=\"POST\",version=\"v1\"";
        return "# TYPE apiserver_request_duration_seconds histogram\n"
                + "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"0.005\"} " + fast + "\n"
                + "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"0.1\"} " + (fast + slow) + "\n"
                + "apiserver_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + (fast + slow) + "\n"
                + "apiserver_request_duration_seconds_bucket{component=\"apiserver\",resource=\"\",verb=\"GET\",le=\"+Inf\"} 7\n";
    }

    @Test
    void quantilesInterpolateInsideTheBucketOfTheRequestsBetweenTwoScrapes() {
        ApiRequestHistograms before = ApiRequestHistograms.parse(scrape(10, 0));
        ApiRequestHistograms after = ApiRequestHistograms.parse(scrape(10, 100));

        var rows = after.minus(before).rows();

        assertThat(rows).hasSize(1); // the non-resource GET is no API call in CL2's sense
        var row = rows.get(0);
        assertThat(row.verb()).isEqualTo("POST");
        assertThat(row.resource()).isEqualTo("replicasets");
        assertThat(row.count()).isEqualTo(100);
        assertThat(row.mutating()).isTrue();
        // all 100 in (5 ms, 100 ms]: p50 halfway, p99 at 99 %
        assertThat(row.p50Ms()).isCloseTo(52.5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(row.p99Ms()).isCloseTo(99.05, org.assertj.core.data.Offset.offset(0.01));
    }
}
