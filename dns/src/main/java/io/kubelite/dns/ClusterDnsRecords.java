package io.kubelite.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The in-memory index the DNS server answers from: owner name to records, kept per Service
 * so one Service's change replaces only its own records.
 *
 * <p>Names are indexed with their ancestors up to (not including) the zone apex or the
 * reverse-zone apex, so an empty non-terminal such as {@code web.ns.svc.cluster.local}
 * (when only SRV records sit under it) or {@code ns.svc.cluster.local} exists and gets
 * NODATA rather than NXDOMAIN. Writers are serialised; readers never block and may see one
 * Service half replaced for an instant, never a torn record.
 */
public final class ClusterDnsRecords {
    private final Set<Name> apexes;
    private final Map<String, Map<Name, List<Record>>> byService = new ConcurrentHashMap<>();
    /** Every indexed name and ancestor → the services that hold records at or below it. */
    private final Map<Name, Set<String>> owners = new ConcurrentHashMap<>();

    /** {@code apexes}: the zone apexes above which ancestors are not indexed. */
    public ClusterDnsRecords(Set<Name> apexes) {
        this.apexes = Set.copyOf(apexes);
    }

    /** Replaces the records of the service {@code key} ({@code ns/name}); empty removes it. */
    public synchronized void put(String key, Map<Name, List<Record>> records) {
        Map<Name, List<Record>> old = byService.remove(key);
        if (old != null) {
            for (Name n : old.keySet()) {
                forEachAncestor(
                        n,
                        a -> owners.computeIfPresent(a, (k, s) -> {
                            s.remove(key);
                            return s.isEmpty() ? null : s;
                        }));
            }
        }
        if (records.isEmpty()) {
            return;
        }
        Map<Name, List<Record>> copy = new ConcurrentHashMap<>();
        records.forEach((n, rs) -> copy.put(n, List.copyOf(rs)));
        byService.put(key, copy);
        for (Name n : copy.keySet()) {
            forEachAncestor(
                    n,
                    a -> owners.computeIfAbsent(a, k -> ConcurrentHashMap.newKeySet())
                            .add(key));
        }
    }

    /** The records whose owner is exactly {@code name}, of every type. */
    public List<Record> lookup(Name name) {
        Set<String> keys = owners.get(name);
        if (keys == null) {
            return List.of();
        }
        List<Record> out = new ArrayList<>();
        for (String k : keys) {
            Map<Name, List<Record>> m = byService.get(k);
            if (m != null) {
                List<Record> rs = m.get(name);
                if (rs != null) {
                    for (Record r : rs) {
                        if (!out.contains(r)) {
                            out.add(r);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code name} owns records or has descendants that do. */
    public boolean exists(Name name) {
        return owners.containsKey(name);
    }

    /** How many services have records (for metrics). */
    public int services() {
        return byService.size();
    }

    private void forEachAncestor(Name n, java.util.function.Consumer<Name> f) {
        Name cur = n;
        while (cur.labels() > 1 && !apexes.contains(cur)) {
            f.accept(cur);
            cur = new Name(cur, 1);
        }
    }
}
