package io.kubelite.controllers.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.EndpointAddress;
import io.kubelite.api.EndpointPort;
import io.kubelite.api.EndpointSubset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's {@code truncateEndpoints}: at most 1000 addresses, ready ones first, shares per subset. */
class EndpointsTruncationTest {
    private static EndpointSubset subset(int port, int ready, int notReady) {
        EndpointSubset.Builder b =
                EndpointSubset.newBuilder().addPorts(EndpointPort.newBuilder().setPort(port));
        for (int i = 0; i < ready; i++) {
            b.addAddresses(EndpointAddress.newBuilder().setIp("10.1." + port % 256 + "." + i));
        }
        for (int i = 0; i < notReady; i++) {
            b.addNotReadyAddresses(EndpointAddress.newBuilder().setIp("10.2." + port % 256 + "." + i));
        }
        return b.build();
    }

    @Test
    void underCapacityIsLeftAsItIs() {
        List<EndpointSubset> s = List.of(subset(80, 600, 400));
        assertThat(EndpointsController.truncate(s)).isSameAs(s);
    }

    @Test
    void notReadyAddressesGoFirstInProportionToEachSubset() {
        List<EndpointSubset> out = EndpointsController.truncate(List.of(subset(80, 500, 300), subset(81, 400, 100)));
        assertThat(out).extracting(EndpointSubset::getAddressesCount).containsExactly(500, 400);
        // 100 not-ready places left, shared 3:1
        assertThat(out).extracting(EndpointSubset::getNotReadyAddressesCount).containsExactly(75, 25);
    }

    @Test
    void tooManyReadyAddressesDropEveryNotReadyOne() {
        List<EndpointSubset> out = EndpointsController.truncate(List.of(subset(80, 900, 10), subset(81, 300, 0)));
        assertThat(out).extracting(EndpointSubset::getNotReadyAddressesCount).containsExactly(0, 0);
        assertThat(out).extracting(EndpointSubset::getAddressesCount).containsExactly(750, 250);
    }
}
