package io.kubelite.kinds.apiextensions.customresourcedefinition;

import io.kubelite.api.CustomResourceConversion;
import io.kubelite.api.CustomResourceDefinition;
import io.kubelite.api.CustomResourceDefinitionNames;
import io.kubelite.api.CustomResourceDefinitionSpec;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import java.time.Instant;
import java.util.Locale;

/**
 * kube's {@code customResourceDefinitionStrategy} with the v1 defaulting: singular and listKind
 * from kind, conversion {@code None}; status (storedVersions, acceptedNames, the NamesAccepted
 * and Established conditions) is the server's, recomputed on every write of the spec.
 */
final class CustomResourceDefinitionStrategy implements Strategy<CustomResourceDefinition> {

    @Override
    public CustomResourceDefinition defaults(CustomResourceDefinition crd) {
        CustomResourceDefinitionSpec.Builder spec = crd.getSpec().toBuilder();
        CustomResourceDefinitionNames.Builder names = spec.getNamesBuilder();
        if (names.getSingular().isEmpty()) {
            names.setSingular(names.getKind().toLowerCase(Locale.ROOT));
        }
        if (names.getListKind().isEmpty() && !names.getKind().isEmpty()) {
            names.setListKind(names.getKind() + "List");
        }
        if (!spec.hasConversion()) {
            spec.setConversion(CustomResourceConversion.newBuilder().setStrategy("None"));
        }
        return crd.toBuilder().setSpec(spec).build();
    }

    @Override
    public CustomResourceDefinition prepareForCreate(CustomResourceDefinition crd) {
        CustomResourceDefinition.Builder b = defaults(crd).toBuilder().clearStatus();
        if (!b.getMetadata().getFinalizersList().contains(CrdStatus.CLEANUP_FINALIZER)) {
            // kube's CRD strategy: its objects are deleted before the CRD goes
            b.getMetadataBuilder().addFinalizers(CrdStatus.CLEANUP_FINALIZER);
        }
        return CrdStatus.established(b.build(), Instant.now());
    }

    @Override
    public CustomResourceDefinition prepareForUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
        // status has its own subresource: keep the stored one, then add what this spec implies
        CustomResourceDefinition kept =
                defaults(crd).toBuilder().setStatus(old.getStatus()).build();
        return CrdStatus.established(kept, Instant.now());
    }

    @Override
    public void validate(CustomResourceDefinition crd, FieldErrors errs) {
        CrdValidation.validate(crd, errs);
    }

    @Override
    public void validateUpdate(CustomResourceDefinition crd, CustomResourceDefinition old, FieldErrors errs) {
        CrdValidation.validateUpdate(crd, old, errs);
    }
}
