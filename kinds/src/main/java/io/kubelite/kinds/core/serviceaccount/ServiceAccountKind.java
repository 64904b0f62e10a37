package io.kubelite.kinds.core.serviceaccount;

import io.kubelite.api.ServiceAccount;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.util.List;

/** ServiceAccounts ({@code v1}, namespaced), with the {@code token} subresource (TokenRequest). */
public final class ServiceAccountKind {
    public static final Resource<ServiceAccount> RESOURCE = new Resource<>(
            "", "v1", "ServiceAccount", "serviceaccounts", true, ServiceAccount.getDefaultInstance(), List.of("sa"));

    public static final Kind<ServiceAccount> KIND = Kind.of(RESOURCE)
            .columns(List.of(
                    Cells.name(ServiceAccount::getMetadata),
                    Column.of(
                            "Secrets",
                            "string",
                            "Secrets is a list of the secrets in the same namespace that pods running using this "
                                    + "ServiceAccount are allowed to use.",
                            // kube: a string column of int64 cells
                            (sa, now) -> (long) sa.getSecretsCount()),
                    Cells.age(ServiceAccount::getMetadata)))
            .subresources(Subresource.of("token", "create").exchanging("authentication.k8s.io", "v1", "TokenRequest"))
            .build();

    private ServiceAccountKind() {}
}
