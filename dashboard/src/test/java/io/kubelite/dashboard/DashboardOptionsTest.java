package io.kubelite.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The dashboard serves loopback only: anything else is refused before it starts. */
class DashboardOptionsTest {
    @Test
    void loopbackAddressesAreAccepted() {
        for (String a : new String[] {"127.0.0.1", "::1", "localhost", "127.0.0.2"}) {
            DashboardOptions o = new DashboardOptions();
            o.bindAddress = a;
            assertThat(o.problem()).as(a).isNull();
        }
    }

    @Test
    void otherAddressesAreRefusedWithTheReason() {
        DashboardOptions o = new DashboardOptions();
        o.bindAddress = "0.0.0.0";
        assertThat(o.problem())
                .isEqualTo("--bind-address 0.0.0.0 is not a loopback address: the dashboard acts with cluster"
                        + " credentials and serves 127.0.0.1 (or ::1) only");
        o.bindAddress = "127.0.0.1";
        o.port = 70000;
        assertThat(o.problem()).isEqualTo("--port must be 0..65535, got 70000");
    }
}
