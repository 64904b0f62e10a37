package io.kubelite.kinds.core.service;

import io.kubelite.api.Service;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import java.util.List;

/** Services ({@code v1}, namespaced); names are DNS-1035 labels. */
public final class ServiceKind {
    public static final Resource<Service> RESOURCE =
            new Resource<>("", "v1", "Service", "services", true, Service.getDefaultInstance(), List.of("svc"));

    public static final Kind<Service> KIND = Kind.of(RESOURCE)
            .strategy(new ServiceStrategy())
            .columns(ServiceColumns.COLUMNS)
            .build();

    private ServiceKind() {}
}
