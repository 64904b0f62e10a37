package io.kubelite.apiserver.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The range flags' parsing and what each range hands out. */
class ServiceRangesTest {
    @Test
    void aCidrHandsOutItsHostsAfterTheFirst() {
        ServiceCidr c = ServiceCidr.parse("10.96.0.0/12");
        assertThat(c.first()).isEqualTo("10.96.0.1");
        assertThat(c.dynamic(0)).isEqualTo("10.96.0.2");
        assertThat(c.dynamic(c.dynamicSize() - 1)).isEqualTo("10.111.255.254");
        assertThat(c.contains(ServiceCidr.parseIp("10.96.0.1"))).isTrue();
        assertThat(c.contains(ServiceCidr.parseIp("10.96.0.0"))).isFalse();
        assertThat(c.contains(ServiceCidr.parseIp("10.111.255.255"))).isFalse();
        assertThat(c.contains(ServiceCidr.parseIp("10.112.0.1"))).isFalse();
        // host bits are dropped, as Go's net.ParseCIDR does
        assertThat(ServiceCidr.parse("192.168.7.9/24").toString()).isEqualTo("192.168.7.0/24");
        assertThat(ServiceCidr.parseIp("10.0.0.256")).isEqualTo(-1);
        assertThat(ServiceCidr.parseIp("10.0.0")).isEqualTo(-1);
        assertThatThrownBy(() -> ServiceCidr.parse("10.0.0.0")).hasMessage("invalid CIDR address: 10.0.0.0");
        assertThatThrownBy(() -> ServiceCidr.parse("10.0.0.0/31")).hasMessageContaining("between 1 and 30");
    }

    @Test
    void aPortRangeIsInclusive() {
        NodePortRange r = NodePortRange.parse("30000-32767");
        assertThat(r.size()).isEqualTo(2768);
        assertThat(r.contains(30000)).isTrue();
        assertThat(r.contains(32767)).isTrue();
        assertThat(r.contains(32768)).isFalse();
        assertThat(r.toString()).isEqualTo("30000-32767");
        assertThat(NodePortRange.parse("31000").toString()).isEqualTo("31000-31000");
        assertThatThrownBy(() -> NodePortRange.parse("32767-30000"))
                .hasMessage("unable to parse port range: 32767-30000");
        assertThatThrownBy(() -> NodePortRange.parse("a-b")).hasMessage("unable to parse port range: a-b");
    }
}
