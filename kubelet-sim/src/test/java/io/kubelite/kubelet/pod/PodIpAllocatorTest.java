package io.kubelite.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod IPs from a node's podCIDR, as pods see them in status.podIP. */
class PodIpAllocatorTest {
    @Test
    void addressesStartAfterTheGatewayAndAnOwnerKeepsItsAddress() {
        PodIpAllocator a = new PodIpAllocator("10.244.3.0/24");
        assertThat(a.allocate("uid-a")).isEqualTo("10.244.3.2");
        assertThat(a.allocate("uid-b")).isEqualTo("10.244.3.3");
        assertThat(a.allocate("uid-a")).as("the same owner again").isEqualTo("10.244.3.2");
        assertThat(a.inUse()).isEqualTo(2);
    }

    @Test
    void aFreedAddressIsNotReusedAtOnce() {
        PodIpAllocator a = new PodIpAllocator("10.244.3.0/24");
        a.allocate("uid-a");
        a.release("uid-a");
        assertThat(a.inUse()).isZero();
        assertThat(a.allocate("uid-b")).isEqualTo("10.244.3.3");
    }

    @Test
    void aFullRangeGivesNoneUntilOneIsReleasedAndNeverTheNetworkGatewayOrBroadcast() {
        PodIpAllocator a = new PodIpAllocator("10.0.0.0/29"); // .0 network, .1 gateway, .7 broadcast
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(a.allocate("uid-" + i));
        }
        assertThat(got).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
        assertThat(a.allocate("uid-5")).as("range full").isNull();
        a.release("uid-2");
        assertThat(a.allocate("uid-5")).isEqualTo("10.0.0.4");
        assertThat(a.inUse()).isEqualTo(5);
    }

    @Test
    void reserveKeepsAnAddressAPreviousProcessGaveUnlessAnotherOwnerHasIt() {
        PodIpAllocator a = new PodIpAllocator("10.244.3.0/24");
        assertThat(a.reserve("10.244.3.200", "uid-a")).isTrue();
        assertThat(a.reserve("10.244.3.200", "uid-a")).as("again, same owner").isTrue();
        assertThat(a.reserve("10.244.3.200", "uid-b")).as("taken by another").isFalse();
        assertThat(a.reserve("10.244.4.9", "uid-b")).as("outside the range").isFalse();
        assertThat(a.reserve("10.244.3.255", "uid-b")).as("broadcast").isFalse();
        assertThat(a.allocate("uid-a")).isEqualTo("10.244.3.200");
        assertThat(a.inUse()).isEqualTo(1);
        a.release("uid-a");
        assertThat(a.inUse()).isZero();
        assertThat(a.reserve("10.244.3.200", "uid-b")).as("free again").isTrue();
    }
}
