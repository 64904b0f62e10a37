package io.kubelite.dns;

import static io.kubelite.dns.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.Service;
import io.kubelite.api.discovery.EndpointSlice;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The resolver's answers for each record kind of the Kubernetes DNS specification, as dnsjava messages. */
class DnsResolverTest {
    private static final Name ZONE = Name.fromConstantString("cluster.local.");
    private final ClusterDnsRecords records = new ClusterDnsRecords(DnsResolver.apexes(ZONE));
    private final DnsResolver resolver = new DnsResolver(records, ZONE, 30, 1);

    private void put(Service svc, EndpointSlice... slices) throws Exception {
        records.put(
                svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName(),
                ServiceRecords.of(svc, List.of(slices), ZONE, 30));
    }

    private Message ask(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        // through the wire format both ways, as the server does
        return new Message(resolver.answer(new Message(q.toWire())).toWire());
    }

    private static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream()
                .map(r -> r.rdataToString())
                .sorted()
                .collect(Collectors.toList());
    }

    @Test
    void clusterIpServiceAnswersAddressSrvAndPtr() throws Exception {
        put(clusterIp("ns", "web", "10.96.0.10", port("http", "TCP", 80), port("", "TCP", 81)));

        Message a = ask("web.ns.svc.cluster.local.", Type.A);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(a)).containsExactly("10.96.0.10");
        assertThat(a.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);

        Message srv = ask("_http._tcp.web.ns.svc.cluster.local.", Type.SRV);
        assertThat(answers(srv)).containsExactly("0 100 80 web.ns.svc.cluster.local.");
        assertThat(srv.getSection(Section.ADDITIONAL).stream().map(Record::rdataToString))
                .contains("10.96.0.10");

        Message ptr = ask(ReverseMap.fromAddress("10.96.0.10").toString(), Type.PTR);
        assertThat(answers(ptr)).containsExactly("web.ns.svc.cluster.local.");
    }

    @Test
    void nxdomainForMissingNamesNodataForOtherTypes() throws Exception {
        put(clusterIp("ns", "web", "10.96.0.10", port("http", "TCP", 80)));

        Message nx = ask("nosuch.ns.svc.cluster.local.", Type.A);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);

        Message nodata = ask("web.ns.svc.cluster.local.", Type.AAAA);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY))
                .extracting(Record::getType)
                .containsExactly(Type.SOA);

        // empty non-terminals exist: the namespace, and _tcp above the SRV name
        assertThat(ask("ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("_tcp.web.ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("_udp.web.ns.svc.cluster.local.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("other.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        assertThat(ask("example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void headlessServiceAnswersReadyEndpointsAndHostnames() throws Exception {
        put(
                headless("ns", "db", false, port("pg", "TCP", 5432)),
                slice(
                        "ns",
                        "db",
                        "db-abc",
                        slicePort("pg", "TCP", 5432),
                        endpoint("10.244.0.5", "db-0", true),
                        endpoint("10.244.0.6", null, true),
                        endpoint("10.244.0.7", "db-2", false)));

        assertThat(answers(ask("db.ns.svc.cluster.local.", Type.A))).containsExactly("10.244.0.5", "10.244.0.6");
        assertThat(answers(ask("db-0.db.ns.svc.cluster.local.", Type.A))).containsExactly("10.244.0.5");
        assertThat(answers(ask("10-244-0-6.db.ns.svc.cluster.local.", Type.A))).containsExactly("10.244.0.6");
        assertThat(ask("db-2.db.ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answers(ask("_pg._tcp.db.ns.svc.cluster.local.", Type.SRV)))
                .containsExactly(
                        "0 100 5432 10-244-0-6.db.ns.svc.cluster.local.", "0 100 5432 db-0.db.ns.svc.cluster.local.");
        assertThat(answers(ask("5.0.244.10.in-addr.arpa.", Type.PTR))).containsExactly("db-0.db.ns.svc.cluster.local.");
        assertThat(answers(ask("6.0.244.10.in-addr.arpa.", Type.PTR)))
                .containsExactly("10-244-0-6.db.ns.svc.cluster.local.");
        assertThat(ask("7.0.244.10.in-addr.arpa.", Type.PTR).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        // publishNotReadyAddresses: not-ready endpoints count too
        put(
                headless("ns", "db", true, port("pg", "TCP", 5432)),
                slice("ns", "db", "db-abc", slicePort("pg", "TCP", 5432), endpoint("10.244.0.7", "db-2", false)));
        assertThat(answers(ask("db.ns.svc.cluster.local.", Type.A))).containsExactly("10.244.0.7");
        assertThat(ask("db-0.db.ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void headlessServiceWithoutReadyEndpointsIsNodataNotNxdomain() throws Exception {
        put(
                headless("ns", "idle", false, port("http", "TCP", 80)),
                slice("ns", "idle", "idle-1", slicePort("http", "TCP", 80), endpoint("10.244.0.9", null, false)));
        Message m = ask("idle.ns.svc.cluster.local.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    }

    @Test
    void externalNamePodsVersionAndRemoval() throws Exception {
        put(externalName("ns", "ext", "db.example.com"));
        Message cname = ask("ext.ns.svc.cluster.local.", Type.A);
        assertThat(cname.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
        assertThat(answers(cname)).containsExactly("db.example.com.");

        assertThat(answers(ask("10-244-1-5.ns.pod.cluster.local.", Type.A))).containsExactly("10.244.1.5");
        assertThat(answers(ask("fd00-10-244--5.ns.pod.cluster.local.", Type.AAAA)))
                .containsExactly("fd00:10:244:0:0:0:0:5");
        assertThat(ask("not-an-ip.ns.pod.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answers(ask("dns-version.cluster.local.", Type.TXT))).containsExactly("\"1.1.0\"");

        records.put("ns/ext", java.util.Map.of());
        assertThat(ask("ext.ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("ns.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
}
