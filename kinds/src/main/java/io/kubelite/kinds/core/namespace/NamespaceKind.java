package io.kubelite.kinds.core.namespace;

import io.kubelite.api.Namespace;
import io.kubelite.kinds.DeletionStyle;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.Subresource;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.Names;
import java.util.List;

/**
 * Namespaces ({@code v1}, cluster-scoped): the {@code kubernetes} finalizer and phase
 * Active by default, names that are DNS labels, deletion finished by the namespace
 * controller.
 */
public final class NamespaceKind {
    public static final Resource<Namespace> RESOURCE =
            new Resource<>("", "v1", "Namespace", "namespaces", false, Namespace.getDefaultInstance(), List.of("ns"));

    public static final Kind<Namespace> KIND = Kind.of(RESOURCE)
            .strategy(new NamespaceStrategy())
            .columns(List.of(
                    Cells.name(Namespace::getMetadata),
                    Column.of(
                            "Status",
                            "string",
                            "The status of the namespace",
                            (n, now) -> n.getStatus().getPhase()),
                    Cells.age(Namespace::getMetadata)))
            .subresources(Subresource.status())
            .field("status.phase", n -> n.getStatus().getPhase())
            .build();

    private NamespaceKind() {}

    private static final class NamespaceStrategy implements Strategy<Namespace> {
        @Override
        public Namespace defaults(Namespace n) {
            Namespace.Builder b = n.toBuilder();
            if (b.getSpec().getFinalizersCount() == 0) {
                b.getSpecBuilder().addFinalizers("kubernetes");
            }
            if (b.getStatus().getPhase().isEmpty()) {
                b.getStatusBuilder().setPhase("Active");
            }
            return b.build();
        }

        @Override
        public Namespace prepareForUpdate(Namespace n, Namespace old) {
            // the status has its own subresource; an unset one stays unset
            Namespace.Builder b = n.toBuilder();
            return (old.hasStatus() ? b.setStatus(old.getStatus()) : b.clearStatus()).build();
        }

        @Override
        public String nameError(String name) {
            return Names.dns1123LabelError(name);
        }

        @Override
        public DeletionStyle deletion() {
            return DeletionStyle.CONTROLLER_FINALIZED;
        }

        @Override
        public boolean returnDeletedObject() {
            return true;
        }
    }
}
