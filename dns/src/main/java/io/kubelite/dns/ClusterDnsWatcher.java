package io.kubelite.dns;

import io.kubelite.api.Service;
import io.kubelite.api.discovery.EndpointSlice;
import io.kubelite.kinds.core.service.ServiceKind;
import io.kubelite.kinds.discovery.endpointslice.EndpointSliceKind;
import io.kubelite.store.informer.Informer;
import io.kubelite.store.informer.ResourceEventHandler;
import io.kubelite.store.informer.SharedInformerFactory;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Keeps {@link ClusterDnsRecords} in step with the Services and EndpointSlices in the
 * informers: any event on a Service, or on a slice labelled with its
 * {@code kubernetes.io/service-name}, recomputes that one Service's records from the
 * informer caches (in memory, so the shared event thread is never blocked on I/O). A
 * Service whose names do not make DNS names keeps its previous records and is logged.
 */
public final class ClusterDnsWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDnsWatcher.class);
    static final String SLICES_BY_SERVICE = "service";

    private final ClusterDnsRecords records;
    private final Name zone;
    private final long ttl;
    private final Informer<Service> services;
    private final Informer<EndpointSlice> slices;

    /** Registers on {@code informers} (before they start); records are TTL {@code ttl} under {@code zone}. */
    public ClusterDnsWatcher(SharedInformerFactory informers, ClusterDnsRecords records, Name zone, long ttl) {
        this.records = records;
        this.zone = zone;
        this.ttl = ttl;
        this.services = informers.get(ServiceKind.RESOURCE);
        this.slices = informers.get(EndpointSliceKind.RESOURCE);
        slices.addIndex(SLICES_BY_SERVICE, s -> {
            String svc = s.getMetadata().getLabelsMap().get(EndpointSliceKind.SERVICE_NAME_LABEL);
            return svc == null
                    ? List.of()
                    : List.of(Informer.keyOf(s.getMetadata().getNamespace(), svc));
        });
        services.addHandler(handler(s -> Informer.keyOf(s.getMetadata())));
        slices.addHandler(handler(s -> {
            String svc = s.getMetadata().getLabelsMap().get(EndpointSliceKind.SERVICE_NAME_LABEL);
            return svc == null ? null : Informer.keyOf(s.getMetadata().getNamespace(), svc);
        }));
    }

    private <T> ResourceEventHandler<T> handler(java.util.function.Function<T, String> keyOf) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                refresh(keyOf.apply(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                refresh(keyOf.apply(newObj));
            }

            @Override
            public void onDelete(T obj) {
                refresh(keyOf.apply(obj));
            }
        };
    }

    /** Recomputes the records of the service {@code key} ({@code ns/name}) from the caches. */
    void refresh(String key) {
        if (key == null) {
            return;
        }
        Service svc = services.get(key).orElse(null);
        if (svc == null) {
            records.put(key, Map.of());
            LOG.debug("dns records of {} removed", key);
            return;
        }
        try {
            Map<Name, List<Record>> rs = ServiceRecords.of(svc, slices.byIndex(SLICES_BY_SERVICE, key), zone, ttl);
            records.put(key, rs);
            LOG.debug("dns records of {}: {} names", key, rs.size());
        } catch (Exception e) {
            LOG.warn("dns records of {} kept as they were: {}", key, e.toString());
        }
    }
}
