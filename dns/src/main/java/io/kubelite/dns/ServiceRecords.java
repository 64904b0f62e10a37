package io.kubelite.dns;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.discovery.Endpoint;
import io.kubelite.api.discovery.EndpointPort;
import io.kubelite.api.discovery.EndpointSlice;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;

/**
 * The DNS records one Service contributes under the Kubernetes DNS-Based Service Discovery
 * specification (kubernetes/dns docs/specification.md, schema 1.1.0), computed from the
 * Service and its EndpointSlices.
 *
 * <ul>
 *   <li>ClusterIP: {@code <svc>.<ns>.svc.<zone>} A/AAAA per cluster IP; for each named port
 *       {@code _<port>._<proto>.<svc>.<ns>.svc.<zone>} SRV to the service name; PTR per
 *       cluster IP.</li>
 *   <li>Headless ({@code clusterIP: None}): {@code <svc>.<ns>.svc.<zone>} A/AAAA per ready
 *       endpoint address; {@code <hostname>.<svc>...} A/AAAA per endpoint (the hostname, or
 *       the address with dashes when the endpoint has none, as CoreDNS does); SRV per named
 *       port and endpoint targeting that name; PTR per endpoint address to that name. The
 *       service name exists (NODATA, not NXDOMAIN) even with no ready endpoints.</li>
 *   <li>ExternalName: {@code <svc>.<ns>.svc.<zone>} CNAME to the external name.</li>
 * </ul>
 * An endpoint counts when its {@code ready} condition is true or unset (the API's nil
 * means ready), or always with {@code publishNotReadyAddresses}. Stateless.
 */
final class ServiceRecords {
    private ServiceRecords() {}

    /**
     * The records by owner name; throws {@link TextParseException} if a name in the objects
     * does not make a DNS name (the caller keeps the service's previous records).
     */
    static Map<Name, List<Record>> of(Service svc, List<EndpointSlice> slices, Name zone, long ttl)
            throws TextParseException {
        Map<Name, Set<Record>> out = new LinkedHashMap<>();
        String ns = svc.getMetadata().getNamespace();
        Name svcName = new Name(svc.getMetadata().getName() + "." + ns + ".svc", zone);
        // the Service's own name exists even with no records (a headless Service without ready
        // endpoints): the spec wants an empty answer there, not NXDOMAIN
        out.put(svcName, new LinkedHashSet<>());
        var spec = svc.getSpec();
        if ("ExternalName".equals(spec.getType())) {
            if (!spec.getExternalName().isEmpty()) {
                Name target = Name.fromString(spec.getExternalName(), Name.root);
                add(out, new CNAMERecord(svcName, DClass.IN, ttl, target));
            }
            return lists(out);
        }
        if (!isHeadless(svc)) {
            Set<String> ips = new LinkedHashSet<>(spec.getClusterIpsList());
            if (!spec.getClusterIp().isEmpty()) {
                ips.add(spec.getClusterIp());
            }
            boolean any = false;
            for (String ip : ips) {
                InetAddress a = literal(ip);
                if (a != null) {
                    any = true;
                    add(out, address(svcName, a, ttl));
                    add(out, new PTRRecord(ReverseMap.fromAddress(a), DClass.IN, ttl, svcName));
                }
            }
            if (any) {
                for (ServicePort p : spec.getPortsList()) {
                    if (!p.getName().isEmpty()) {
                        Name srv = srvName(p.getName(), protocol(p.getProtocol()), svcName);
                        add(out, new SRVRecord(srv, DClass.IN, ttl, 0, 100, p.getPort(), svcName));
                    }
                }
            }
            return lists(out);
        }
        boolean publishNotReady = spec.getPublishNotReadyAddresses();
        for (EndpointSlice slice : slices) {
            for (Endpoint ep : slice.getEndpointsList()) {
                boolean ready =
                        !ep.getConditions().hasReady() || ep.getConditions().getReady();
                if (!ready && !publishNotReady) {
                    continue;
                }
                for (String ip : ep.getAddressesList()) {
                    InetAddress a = literal(ip);
                    if (a == null) {
                        continue;
                    }
                    String label = ep.hasHostname() && !ep.getHostname().isEmpty() ? ep.getHostname() : dashed(ip);
                    Name host = new Name(label, svcName);
                    add(out, address(svcName, a, ttl));
                    add(out, address(host, a, ttl));
                    // the spec's hostname is the endpoint's, else a system-assigned one (ours: the
                    // dashed address), so every published endpoint has its PTR
                    add(out, new PTRRecord(ReverseMap.fromAddress(a), DClass.IN, ttl, host));
                    for (EndpointPort p : slice.getPortsList()) {
                        if (p.hasName() && !p.getName().isEmpty() && p.hasPort()) {
                            Name srv = srvName(p.getName(), protocol(p.getProtocol()), svcName);
                            add(out, new SRVRecord(srv, DClass.IN, ttl, 0, 100, p.getPort(), host));
                        }
                    }
                }
            }
        }
        return lists(out);
    }

    private static Map<Name, List<Record>> lists(Map<Name, Set<Record>> sets) {
        Map<Name, List<Record>> out = new LinkedHashMap<>();
        sets.forEach((n, rs) -> out.put(n, new ArrayList<>(rs)));
        return out;
    }

    static boolean isHeadless(Service svc) {
        return "None".equals(svc.getSpec().getClusterIp());
    }

    /** The address as written with its separators as dashes: 10-1-2-3, or 2001-db8--1 (as CoreDNS names them). */
    static String dashed(String ip) {
        return ip.replace('.', '-').replace(':', '-');
    }

    /** An address literal, or null (never a name lookup). */
    static InetAddress literal(String ip) {
        try {
            return Address.getByAddress(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static Record address(Name name, InetAddress a, long ttl) {
        return a instanceof Inet4Address
                ? new ARecord(name, DClass.IN, ttl, a)
                : new AAAARecord(name, DClass.IN, ttl, a);
    }

    private static Name srvName(String port, String proto, Name svcName) throws TextParseException {
        return new Name("_" + port.toLowerCase(Locale.ROOT) + "._" + proto, svcName);
    }

    private static String protocol(String p) {
        return p == null || p.isEmpty() ? "tcp" : p.toLowerCase(Locale.ROOT);
    }

    /** A set per name: the same address in two slices (or twice in one) is one record. */
    private static void add(Map<Name, Set<Record>> out, Record r) {
        out.computeIfAbsent(r.getName(), n -> new LinkedHashSet<>()).add(r);
    }
}
