package io.kubelite.apiserver.admission.podsecurity;

import io.kubelite.api.Namespace;
import io.kubelite.api.Pod;
import io.kubelite.api.PodTemplateSpec;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.HandlerContext;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.admission.Attributes;
import io.kubelite.apiserver.admission.Operation;
import io.kubelite.apiserver.admission.ValidatingAdmission;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.kinds.podsecurity.Level;
import io.kubelite.kinds.podsecurity.NamespacePolicy;
import io.kubelite.kinds.podsecurity.PodSecurityChecks;
import io.kubelite.kinds.podsecurity.PodSecurityEnforcement;
import io.kubelite.kinds.podsecurity.Violation;
import io.kubelite.kinds.validation.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * kube's PodSecurity admission plugin (k8s.io/pod-security-admission) with the namespace
 * labels as its configuration ({@link NamespacePolicy}) and the Pod Security Standards'
 * checks ({@link PodSecurityChecks}):
 *
 * <ul>
 *   <li>a pod created in a namespace is refused (403) when it violates the {@code enforce}
 *       level — {@code pods "x" is forbidden: violates PodSecurity "restricted:latest": ...};
 *       otherwise a violation of the {@code warn} level comes back as a {@code Warning}
 *       ({@code would violate PodSecurity ...}), and of the {@code audit} level as the audit
 *       annotation {@code pod-security.kubernetes.io/audit-violations};
 *   <li>a workload created or updated (anything with a pod template: Deployments, Jobs,
 *       CronJobs, ...) gets the warn and audit results for its template, never a refusal, as in
 *       kube;
 *   <li>a namespace whose labels are invalid is refused (422); one whose enforce level changes
 *       gets a warning per existing pod that violates the new level.
 * </ul>
 */
public final class PodSecurityAdmission implements ValidatingAdmission {
    static final String AUDIT_VIOLATIONS = "pod-security.kubernetes.io/audit-violations";
    static final String ENFORCE_POLICY = "pod-security.kubernetes.io/enforce-policy";

    private final HandlerContext ctx;

    public PodSecurityAdmission(HandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "PodSecurity";
    }

    @Override
    public boolean handles(Attributes a) {
        if (a.subresource() != null || a.operation() == Operation.DELETE) {
            return false;
        }
        if (a.resource().equals(PodKind.RESOURCE)) {
            return a.operation() == Operation.CREATE;
        }
        return a.resource().equals(NamespaceKind.RESOURCE)
                || (a.resource().namespaced()
                        && PodTemplates.carries(a.resource().prototype().getDescriptorForType()));
    }

    @Override
    public CompletableFuture<Void> validate(Attributes a) {
        if (a.resource().equals(NamespaceKind.RESOURCE)) {
            validateNamespace(a);
            return CompletableFuture.completedFuture(null);
        }
        return namespace(a.namespace()).thenAccept(ns -> {
            if (ns == null) {
                return;
            }
            NamespacePolicy policy = NamespacePolicy.of(ns.getMetadata().getLabelsMap());
            if (a.object() instanceof Pod pod) {
                evaluatePod(a, policy, pod);
            } else {
                PodTemplates.of(a.object()).ifPresent(t -> evaluateTemplate(a, policy, t));
            }
        });
    }

    private void evaluatePod(Attributes a, NamespacePolicy policy, Pod pod) {
        a.annotate(ENFORCE_POLICY, policy.enforce().toString());
        List<Violation> enforced =
                PodSecurityChecks.evaluate(policy.enforce().level(), pod.getMetadata(), pod.getSpec());
        if (!enforced.isEmpty()) {
            throw new ApiException(
                    403,
                    "Forbidden",
                    "pods \"" + a.name() + "\" is forbidden: violates PodSecurity \"" + policy.enforce() + "\": "
                            + join(enforced),
                    a.name(),
                    "",
                    "pods",
                    List.of(),
                    null);
        }
        auditAndWarn(a, policy, pod.getMetadata(), pod.getSpec());
    }

    private void evaluateTemplate(Attributes a, NamespacePolicy policy, PodTemplateSpec t) {
        auditAndWarn(a, policy, t.getMetadata(), t.getSpec());
    }

    private static void auditAndWarn(
            Attributes a, NamespacePolicy policy, io.kubelite.api.ObjectMeta meta, io.kubelite.api.PodSpec spec) {
        List<Violation> audited = PodSecurityChecks.evaluate(policy.audit().level(), meta, spec);
        if (!audited.isEmpty()) {
            a.annotate(AUDIT_VIOLATIONS, "would violate PodSecurity \"" + policy.audit() + "\": " + join(audited));
        }
        List<Violation> warned = PodSecurityChecks.evaluate(policy.warn().level(), meta, spec);
        if (!warned.isEmpty()) {
            a.warn("would violate PodSecurity \"" + policy.warn() + "\": " + join(warned));
        }
    }

    private void validateNamespace(Attributes a) {
        Namespace ns = (Namespace) a.object();
        List<FieldError> errors = NamespacePolicy.errors(ns.getMetadata().getLabelsMap());
        if (!errors.isEmpty()) {
            String msg = errors.size() == 1
                    ? describe(errors.get(0))
                    : errors.stream().map(PodSecurityAdmission::describe).collect(Collectors.joining(", ", "[", "]"));
            // kube's PodSecurity answers a bare Status, without details: kubectl prints the message
            throw ApiException.of(422, "Invalid", "namespaces \"" + a.name() + "\" is invalid: " + msg);
        }
        if (a.operation() != Operation.UPDATE) {
            return;
        }
        NamespacePolicy now = NamespacePolicy.of(ns.getMetadata().getLabelsMap());
        NamespacePolicy before =
                NamespacePolicy.of(((Namespace) a.oldObject()).getMetadata().getLabelsMap());
        if (now.enforce().equals(before.enforce()) || now.enforce().level() == Level.PRIVILEGED) {
            return;
        }
        warnAboutExistingPods(a, now.enforce());
    }

    /**
     * kube's warnings on a tightened enforce level: one line, then one per group of existing pods
     * with the same violations ({@code web-1 (and 2 other pods): privileged, hostPort}).
     */
    private void warnAboutExistingPods(Attributes a, NamespacePolicy.ModePolicy enforce) {
        WatchCache<Pod> pods = ctx.cache(PodKind.RESOURCE);
        Map<String, List<String>> byReasons = new LinkedHashMap<>();
        for (WatchCache.Entry<Pod> e : pods.snapshot(a.name()).entries()) {
            Pod p = e.object();
            List<Violation> v = PodSecurityChecks.evaluate(enforce.level(), p.getMetadata(), p.getSpec());
            if (!v.isEmpty()) {
                String reasons = v.stream().map(Violation::reason).collect(Collectors.joining(", "));
                byReasons
                        .computeIfAbsent(reasons, k -> new ArrayList<>())
                        .add(p.getMetadata().getName());
            }
        }
        if (byReasons.isEmpty()) {
            return;
        }
        a.warn("existing pods in namespace \"" + a.name() + "\" violate the new PodSecurity enforce level \"" + enforce
                + "\"");
        byReasons.forEach((reasons, names) -> a.warn(names.get(0)
                + (names.size() > 1 ? " (and " + (names.size() - 1) + " other pods)" : "") + ": " + reasons));
    }

    /** The namespace of a request, from the watch cache or etcd; null when it does not exist. */
    private CompletableFuture<Namespace> namespace(String name) {
        WatchCache<Namespace> cache = ctx.cache(NamespaceKind.RESOURCE);
        WatchCache.Entry<Namespace> e = cache.hasSynced() ? cache.get(null, name) : null;
        if (e != null) {
            return CompletableFuture.completedFuture(e.object());
        }
        return ctx.store().of(NamespaceKind.RESOURCE).get(null, name).handle((n, err) -> n);
    }

    private static String join(List<Violation> vs) {
        return PodSecurityEnforcement.join(vs);
    }

    private static String describe(FieldError e) {
        return e.field() + ": " + e.message();
    }
}
