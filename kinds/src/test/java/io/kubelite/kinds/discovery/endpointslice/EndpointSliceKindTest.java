package io.kubelite.kinds.discovery.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EndpointSlice kind's defaulting, validation and columns as pure functions: no server, no etcd. */
class EndpointSliceKindTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static EndpointSlice.Builder slice(String type, String... addresses) {
        EndpointSlice.Builder b = EndpointSlice.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setName("web-abcde")
                        .setNamespace("default")
                        .setCreationTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 90)))
                .setAddressType(type);
        for (String a : addresses) {
            b.addEndpoints(Endpoint.newBuilder().addAddresses(a));
        }
        return b;
    }

    private static List<String> messages(EndpointSlice s) {
        return EndpointSliceKind.KIND
                .validateCreate(EndpointSliceKind.KIND.strategy().defaults(s))
                .stream()
                .map(e -> e.field() + ": " + e.message())
                .toList();
    }

    @Test
    void kubectlColumnsShowThreeAddressesAndCountTheRest() {
        assertThat(Kinds.find("endpointslices")).contains(EndpointSliceKind.RESOURCE);
        assertThat(Kinds.byKind("discovery.k8s.io/v1", "EndpointSlice")).contains(EndpointSliceKind.RESOURCE);
        EndpointSlice s = slice("IPv4", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")
                .addPorts(
                        EndpointPort.newBuilder().setName("http").setPort(8080).setProtocol("TCP"))
                .addPorts(EndpointPort.newBuilder()
                        .setName("metrics")
                        .setPort(9100)
                        .setProtocol("TCP"))
                .build();
        assertThat(EndpointSliceKind.KIND.columns().stream().map(c -> c.name()))
                .containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
        assertThat(EndpointSliceKind.KIND.row(s, NOW, false))
                .containsExactly("web-abcde", "IPv4", "8080,9100", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "90s");
        // a placeholder slice: no ports, no endpoints
        assertThat(EndpointSliceKind.KIND.row(slice("IPv4").build(), NOW, false))
                .containsExactly("web-abcde", "IPv4", "<unset>", "<unset>", "90s");
        // a port without a number shows its name, or * without either
        EndpointSlice named = slice("IPv4")
                .addPorts(EndpointPort.newBuilder().setName("dns"))
                .addPorts(EndpointPort.newBuilder())
                .build();
        assertThat(EndpointSliceKind.KIND.row(named, NOW, false).get(2)).isEqualTo("dns,*");
    }

    @Test
    void portsDefaultToTcpAndAnEmptyName() {
        EndpointSlice s = slice("IPv4", "10.0.0.1")
                .addPorts(EndpointPort.newBuilder().setPort(80))
                .build();
        EndpointPort p = EndpointSliceKind.KIND.strategy().defaults(s).getPorts(0);
        assertThat(p.hasName()).isTrue();
        assertThat(p.getName()).isEmpty();
        assertThat(p.getProtocol()).isEqualTo("TCP");
        assertThat(messages(s)).isEmpty();
    }

    @Test
    void addressTypeIsRequiredKnownAndImmutable() {
        assertThat(messages(slice("").build())).containsExactly("addressType: Required value");
        assertThat(messages(slice("IP").build()))
                .containsExactly(
                        "addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
        EndpointSlice v4 = slice("IPv4", "10.0.0.1").build();
        EndpointSlice v6 = slice("IPv6", "fd00::1").build();
        assertThat(EndpointSliceKind.KIND.validateUpdate(v6, v4))
                .extracting(FieldError::message)
                .containsExactly("Invalid value: \"IPv6\": field is immutable");
    }

    @Test
    void addressesMustMatchTheTypeAndNotBeSpecial() {
        assertThat(messages(slice("IPv4", "10.0.0.1", "192.168.001.002").build()))
                .isEmpty();
        assertThat(messages(slice("IPv4", "fd00::1").build()))
                .containsExactly("endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address");
        assertThat(messages(slice("IPv4", "web.example.com").build()))
                .containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"web.example.com\": must be a valid IPv4 address",
                        "endpoints[0].addresses[0]: Invalid value: \"web.example.com\": must be a valid IP address");
        assertThat(messages(slice("IPv4", "127.0.0.1", "169.254.1.1", "0.0.0.0", "224.0.0.5")
                        .build()))
                .containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range"
                                + " (127.0.0.0/8, ::1/128)",
                        "endpoints[1].addresses[0]: Invalid value: \"169.254.1.1\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)",
                        "endpoints[2].addresses[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "endpoints[3].addresses[0]: Invalid value: \"224.0.0.5\": may not be in the link-local"
                                + " multicast range (224.0.0.0/24, ff02::/10)");
        assertThat(messages(slice("IPv6", "fd00::1", "2001:db8::a").build())).isEmpty();
        assertThat(messages(slice("IPv6", "10.0.0.1").build()))
                .containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"10.0.0.1\": must be a valid IPv6 address");
        assertThat(messages(slice("IPv6", "::1").build()))
                .containsExactly("endpoints[0].addresses[0]: Invalid value: \"::1\": may not be in the loopback range"
                        + " (127.0.0.0/8, ::1/128)");
        assertThat(messages(slice("FQDN", "web.example.com", "web.example.com.").build()))
                .isEmpty();
        assertThat(messages(slice("FQDN", "localhost").build()))
                .containsExactly("endpoints[0].addresses[0]: Invalid value: \"localhost\": should be a domain with at"
                        + " least two segments separated by dots");
        EndpointSlice noAddress =
                slice("IPv4").addEndpoints(Endpoint.newBuilder()).build();
        assertThat(messages(noAddress))
                .containsExactly("endpoints[0].addresses: Required value: must contain at least 1 address");
    }

    @Test
    void endpointsPortsAndNamesAreBounded() {
        EndpointSlice.Builder many = slice("IPv4");
        for (int i = 0; i < 1001; i++) {
            many.addEndpoints(Endpoint.newBuilder().addAddresses("10.0." + (i / 250) + "." + (i % 250 + 1)));
        }
        assertThat(messages(many.build())).containsExactly("endpoints: Too many: 1001: must have at most 1000 items");
        EndpointSlice.Builder ports = slice("IPv4", "10.0.0.1");
        for (int i = 0; i < 101; i++) {
            ports.addPorts(EndpointPort.newBuilder().setName("p" + i).setPort(1000 + i));
        }
        assertThat(messages(ports.build())).containsExactly("ports: Too many: 101: must have at most 100 items");
        EndpointSlice bad = slice("IPv4")
                .addEndpoints(Endpoint.newBuilder()
                        .addAddresses("10.0.0.1")
                        .setHostname("Web_0")
                        .putDeprecatedTopology("bad key!", "v"))
                .addPorts(EndpointPort.newBuilder().setName("http").setPort(80))
                .addPorts(EndpointPort.newBuilder().setName("http").setPort(81).setProtocol("ICMP"))
                .addPorts(EndpointPort.newBuilder()
                        .setName("Bad_Name")
                        .setPort(82)
                        .setAppProtocol("not valid"))
                .build();
        assertThat(EndpointSliceKind.KIND.validateCreate(
                        EndpointSliceKind.KIND.strategy().defaults(bad)))
                .extracting(FieldError::field)
                .containsExactly(
                        "endpoints[0].deprecatedTopology",
                        "endpoints[0].hostname",
                        "ports[1].name",
                        "ports[1].protocol",
                        "ports[2].name",
                        "ports[2].appProtocol");
    }

    @Test
    void deprecatedTopologyIsNotWritableAndGenerationCountsContentChanges() {
        EndpointSlice in = slice("IPv4")
                .addEndpoints(Endpoint.newBuilder()
                        .addAddresses("10.0.0.1")
                        .putDeprecatedTopology("kubernetes.io/hostname", "n1"))
                .build();
        EndpointSlice created = EndpointSliceKind.KIND.strategy().prepareForCreate(in);
        assertThat(created.getEndpoints(0).getDeprecatedTopologyCount()).isZero();
        assertThat(created.getEndpoints(0).hasNodeName()).isFalse();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1);
        // a node the stored slice named in its topology is kept as nodeName
        EndpointSlice old = in.toBuilder()
                .setMetadata(in.getMetadata().toBuilder().setGeneration(4))
                .build();
        EndpointSlice changed = in.toBuilder()
                .addEndpoints(Endpoint.newBuilder().addAddresses("10.0.0.2"))
                .setMetadata(old.getMetadata())
                .build();
        EndpointSlice updated = EndpointSliceKind.KIND.strategy().prepareForUpdate(changed, old);
        assertThat(updated.getEndpoints(0).getNodeName()).isEqualTo("n1");
        assertThat(updated.getEndpoints(0).getDeprecatedTopologyCount()).isZero();
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(5);
        // a metadata-only change keeps the generation
        EndpointSlice relabeled = old.toBuilder()
                .setMetadata(old.getMetadata().toBuilder().putLabels("a", "b"))
                .build();
        assertThat(EndpointSliceKind.KIND
                        .strategy()
                        .prepareForUpdate(relabeled, old)
                        .getMetadata()
                        .getGeneration())
                .isEqualTo(4);
    }

    @Test
    void sliceLabelsFollowTheLabelRules() {
        EndpointSlice s = slice("IPv4", "10.0.0.1").build();
        s = s.toBuilder()
                .setMetadata(s.getMetadata().toBuilder().putLabels(EndpointSliceKind.SERVICE_NAME_LABEL, "web!"))
                .build();
        assertThat(messages(s)).hasSize(1).allMatch(m -> m.startsWith("metadata.labels: Invalid value: \"web!\""));
    }
}
