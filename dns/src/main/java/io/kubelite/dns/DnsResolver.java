package io.kubelite.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from {@link ClusterDnsRecords} as the Kubernetes DNS specification
 * says, authoritatively for the cluster zone and the reverse zones.
 *
 * <ul>
 *   <li>a name that exists (records, or records below it) without records of the asked type:
 *       NOERROR with an empty answer (NODATA) and the zone's SOA in the authority section;</li>
 *   <li>a name that does not exist: NXDOMAIN with the SOA;</li>
 *   <li>{@code dns-version.<zone>} TXT {@code "1.1.0"}; the apex answers SOA and NS;</li>
 *   <li>{@code <a-b-c-d>.<ns>.pod.<zone>}: A (or AAAA for dashed IPv6) for any such name,
 *       like kube-dns's "pods insecure" mode;</li>
 *   <li>a CNAME (ExternalName) answers any type but CNAME itself is not chased (its target
 *       is outside the cluster);</li>
 *   <li>names outside the cluster and reverse zones: REFUSED (there is no upstream to
 *       forward to); opcodes other than QUERY: NOTIMP; a class other than IN/ANY: REFUSED.</li>
 * </ul>
 * SRV answers carry the targets' addresses in the additional section. Thread-safe.
 */
public final class DnsResolver {
    static final String SCHEMA_VERSION = "1.1.0";
    private static final Name IN_ADDR = Name.fromConstantString("in-addr.arpa.");
    private static final Name IP6 = Name.fromConstantString("ip6.arpa.");

    private final ClusterDnsRecords records;
    private final Name zone;
    private final Name podZone;
    private final Name svcZone;
    private final Name versionName;
    private final Name nsName;
    private final Name nsParent;
    private final Name admin;
    private final List<Name> apexes;
    private final long ttl;
    private final long serial;

    public DnsResolver(ClusterDnsRecords records, Name zone, long ttl, long serial) {
        this.records = records;
        this.zone = zone;
        this.ttl = ttl;
        this.serial = serial;
        this.podZone = Name.fromConstantString("pod." + zone);
        this.svcZone = Name.fromConstantString("svc." + zone);
        this.versionName = Name.fromConstantString("dns-version." + zone);
        this.nsName = Name.fromConstantString("ns.dns." + zone);
        // built once: a query must not parse or allocate names it can share (they are immutable)
        this.nsParent = new Name(nsName, 1);
        this.admin = Name.fromConstantString("hostmaster." + zone);
        this.apexes = List.of(zone, IN_ADDR, IP6);
    }

    /** The apexes {@link ClusterDnsRecords} should stop at for a zone. */
    public static Set<Name> apexes(Name zone) {
        return Set.of(zone, IN_ADDR, IP6);
    }

    /** The response to {@code query}; never null, never throws for a parsed message. */
    public Message answer(Message query) {
        Message resp = new Message(query.getHeader().getID());
        resp.getHeader().setFlag(Flags.QR);
        resp.getHeader().setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            resp.getHeader().setFlag(Flags.RD);
        }
        Record q = query.getQuestion();
        if (q != null) {
            resp.addRecord(q, Section.QUESTION);
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            resp.getHeader().setRcode(Rcode.NOTIMP);
            return resp;
        }
        if (q == null) {
            resp.getHeader().setRcode(Rcode.FORMERR);
            return resp;
        }
        Name name = q.getName();
        Name apex = apexOf(name);
        if (apex == null || (q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY)) {
            resp.getHeader().setRcode(Rcode.REFUSED);
            return resp;
        }
        resp.getHeader().setFlag(Flags.AA);
        int type = q.getType();
        List<Record> all = recordsAt(name, apex);
        if (all == null) {
            resp.getHeader().setRcode(Rcode.NXDOMAIN);
            resp.addRecord(soa(apex), Section.AUTHORITY);
            return resp;
        }
        List<Record> matching = new ArrayList<>();
        for (Record r : all) {
            if (type == Type.ANY || r.getType() == type) {
                matching.add(r);
            }
        }
        if (matching.isEmpty()) {
            for (Record r : all) {
                if (r.getType() == Type.CNAME) {
                    matching.add(r);
                }
            }
        }
        if (matching.isEmpty()) {
            resp.addRecord(soa(apex), Section.AUTHORITY);
            return resp;
        }
        for (Record r : matching) {
            resp.addRecord(r, Section.ANSWER);
            if (r instanceof SRVRecord) {
                for (Record extra : records.lookup(((SRVRecord) r).getTarget())) {
                    if ((extra.getType() == Type.A || extra.getType() == Type.AAAA)
                            && !resp.findRecord(extra, Section.ADDITIONAL)) {
                        resp.addRecord(extra, Section.ADDITIONAL);
                    }
                }
            }
        }
        return resp;
    }

    /** The records at {@code name}, empty for an existing name without any, null if none exists. */
    private List<Record> recordsAt(Name name, Name apex) {
        if (name.equals(apex)) {
            if (apex.equals(zone)) {
                return List.of(soa(zone), new NSRecord(zone, DClass.IN, ttl, nsName));
            }
            return List.of(soa(apex));
        }
        if (name.equals(versionName)) {
            return List.of(new TXTRecord(versionName, DClass.IN, ttl, SCHEMA_VERSION));
        }
        if (name.subdomain(podZone)) {
            return podRecords(name);
        }
        if (name.equals(nsName) || name.equals(nsParent)) {
            return List.of();
        }
        List<Record> rs = records.lookup(name);
        if (!rs.isEmpty()) {
            return rs;
        }
        if (records.exists(name)) {
            return List.of();
        }
        // svc.<zone> always exists: it is the parent of every service name
        if (name.equals(svcZone)) {
            return List.of();
        }
        return null;
    }

    /** {@code pod.<zone>} and {@code <ns>.pod.<zone>} exist; {@code <ip>.<ns>.pod.<zone>} answers its address. */
    private List<Record> podRecords(Name name) {
        int below = name.labels() - podZone.labels();
        if (below <= 1) {
            return List.of();
        }
        if (below > 2) {
            return null;
        }
        String label = name.getLabelString(0).toLowerCase(Locale.ROOT);
        byte[] v4 = Address.toByteArray(label.replace('-', '.'), Address.IPv4);
        byte[] v6 = v4 == null ? Address.toByteArray(label.replace('-', ':'), Address.IPv6) : null;
        byte[] raw = v4 != null ? v4 : v6;
        if (raw == null) {
            return null;
        }
        try {
            return List.of(ServiceRecords.address(name, InetAddress.getByAddress(raw), ttl));
        } catch (java.net.UnknownHostException e) {
            return null; // not reached: raw is 4 or 16 bytes
        }
    }

    private Name apexOf(Name name) {
        for (Name apex : apexes) {
            if (name.subdomain(apex)) {
                return apex;
            }
        }
        return null;
    }

    private SOARecord soa(Name apex) {
        return new SOARecord(apex, DClass.IN, ttl, nsName, admin, serial, 7200, 1800, 86400, ttl);
    }
}
