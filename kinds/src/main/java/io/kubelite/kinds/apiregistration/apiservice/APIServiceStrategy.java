package io.kubelite.kinds.apiregistration.apiservice;

import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceReference;
import io.kubelite.api.APIServiceSpec;
import io.kubelite.kinds.Strategy;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.Names;
import java.util.List;

/**
 * kube-aggregator's APIService strategy and {@code ValidateAPIService}: the service port defaults
 * to 443; the name must be {@code <version>.<group>}; the group a DNS subdomain (empty only for
 * {@code v1}, the legacy group), the version a DNS-1035 label; priorities in range; a local
 * APIService has no caBundle nor insecureSkipTLSVerify, a remote one a namespace, a name, a valid
 * port and not both. Status is the server's: cleared on create, kept on update of the spec.
 */
final class APIServiceStrategy implements Strategy<APIService> {
    private static final List<String> CONDITION_STATUSES = List.of("True", "False", "Unknown");

    @Override
    public APIService defaults(APIService a) {
        if (a.getSpec().hasService() && !a.getSpec().getService().hasPort()) {
            APIService.Builder b = a.toBuilder();
            b.getSpecBuilder().getServiceBuilder().setPort(443);
            return b.build();
        }
        return a;
    }

    @Override
    public APIService prepareForCreate(APIService a) {
        return a.toBuilder().clearStatus().build();
    }

    @Override
    public APIService prepareForUpdate(APIService a, APIService old) {
        // status has its own subresource, written by the availability check
        return old.hasStatus()
                ? a.toBuilder().setStatus(old.getStatus()).build()
                : a.toBuilder().clearStatus().build();
    }

    /** kube's {@code path.IsValidPathSegmentName}; the version.group rule needs the spec, see {@link #validate}. */
    @Override
    public String nameError(String name) {
        if (name.equals(".") || name.equals("..")) {
            return "may not be '" + name + "'";
        }
        if (name.contains("/")) {
            return "may not contain '/'";
        }
        if (name.contains("%")) {
            return "may not contain '%'";
        }
        return null;
    }

    @Override
    public void validate(APIService a, FieldErrors errs) {
        APIServiceSpec spec = a.getSpec();
        String name = a.getMetadata().getName();
        String required = spec.getVersion() + "." + spec.getGroup();
        if (nameError(name) == null && !name.isEmpty() && !name.equals(required)) {
            errs.invalid("metadata.name", name, "must be `spec.version+\".\"+spec.group`: \"" + required + "\"");
        }
        if (spec.getGroup().isEmpty() && !spec.getVersion().equals("v1")) {
            errs.required("spec.group", "only v1 may have an empty group and it better be legacy kube");
        }
        if (!spec.getGroup().isEmpty()) {
            errs.invalidIf("spec.group", spec.getGroup(), Names.dns1123SubdomainError(spec.getGroup()));
        }
        errs.invalidIf("spec.version", spec.getVersion(), Names.dns1035LabelError(spec.getVersion()));
        if (spec.getGroupPriorityMinimum() <= 0 || spec.getGroupPriorityMinimum() > 20000) {
            errs.invalid(
                    "spec.groupPriorityMinimum",
                    spec.getGroupPriorityMinimum(),
                    "must be positive and less than 20000");
        }
        if (spec.getVersionPriority() <= 0 || spec.getVersionPriority() > 1000) {
            errs.invalid("spec.versionPriority", spec.getVersionPriority(), "must be positive and less than 1000");
        }
        if (!spec.hasService()) {
            if (!spec.getCaBundle().isEmpty()) {
                errs.invalid(
                        "spec.caBundle",
                        spec.getCaBundle().size() + " bytes",
                        "local APIServices may not have a caBundle");
            }
            if (spec.getInsecureSkipTlsVerify()) {
                errs.invalid(
                        "spec.insecureSkipTLSVerify", true, "local APIServices may not have insecureSkipTLSVerify");
            }
        } else {
            APIServiceReference svc = spec.getService();
            if (svc.getNamespace().isEmpty()) {
                errs.required("spec.service.namespace");
            }
            if (svc.getName().isEmpty()) {
                errs.required("spec.service.name");
            }
            if (svc.getPort() < 1 || svc.getPort() > 65535) {
                errs.invalid(
                        "spec.service.port",
                        svc.getPort(),
                        "port is not valid: must be between 1 and 65535, inclusive");
            }
            if (spec.getInsecureSkipTlsVerify() && !spec.getCaBundle().isEmpty()) {
                errs.invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present");
            }
        }
        for (int i = 0; i < a.getStatus().getConditionsCount(); i++) {
            String status = a.getStatus().getConditions(i).getStatus();
            if (!CONDITION_STATUSES.contains(status)) {
                errs.notSupported("status.conditions[" + i + "].status", status, CONDITION_STATUSES);
            }
        }
    }
}
