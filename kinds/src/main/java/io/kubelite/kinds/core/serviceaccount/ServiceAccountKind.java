package io.kubelite.kinds.core.serviceaccount;

import io.kubelite.api.ServiceAccount;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/** ServiceAccounts ({@code v1}, namespaced). */
public final class ServiceAccountKind {
    public static final Resource<ServiceAccount> RESOURCE = new Resource<>(
            "", "v1", "ServiceAccount", "serviceaccounts", true, ServiceAccount.getDefaultInstance(), List.of("sa"));

    public static final Kind<ServiceAccount> KIND = Kind.of(RESOURCE)
            .columns(List.of(
                    Cells.name(ServiceAccount::getMetadata),
                    Column.of(
                            "Secrets",
                            "integer",
                            "Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount",
                            (sa, now) -> Integer.toString(sa.getSecretsCount())),
                    Cells.age(ServiceAccount::getMetadata)))
            .build();

    private ServiceAccountKind() {}
}
