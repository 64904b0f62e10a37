package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.Container;
import io.kubelite.api.Lease;
import io.kubelite.api.Namespace;
import io.kubelite.api.Node;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Quantity;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import io.kubelite.apiserver.ApiException.Cause;
import io.kubelite.store.Resource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Create and update validation with kube-apiserver's field paths and messages. Every
 * check adds a {@link Cause}; a non-empty list becomes a 422 Invalid.
 */
public final class Validation {
    static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

    static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
            + "used for validation is '" + DNS1123_SUBDOMAIN_FMT + "')";
    static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'123-abc', regex used for validation is '" + DNS1123_LABEL_FMT + "')";
    static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or "
            + "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'abc-123', regex used for validation is '" + DNS1035_LABEL_FMT + "')";
    static final String QUALIFIED_NAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and "
            + "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            + "used for validation is '" + QUALIFIED_NAME_FMT + "')";
    static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '" + LABEL_VALUE_FMT + "')";

    private final List<Cause> causes = new ArrayList<>();

    private Validation() {
    }

    // ------------------------------------------------------------ primitives

    public static String dns1123SubdomainError(String v) {
        if (v.length() > 253) {
            return "must be no more than 253 characters";
        }
        return DNS1123_SUBDOMAIN.matcher(v).matches() ? null : DNS1123_SUBDOMAIN_MSG;
    }

    public static String dns1123LabelError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return DNS1123_LABEL.matcher(v).matches() ? null : DNS1123_LABEL_MSG;
    }

    public static String dns1035LabelError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return DNS1035_LABEL.matcher(v).matches() ? null : DNS1035_LABEL_MSG;
    }

    /** A label or annotation key: optional DNS subdomain prefix, '/', name part. */
    public static String qualifiedNameError(String v) {
        String name = v;
        int slash = v.indexOf('/');
        if (slash >= 0) {
            String prefix = v.substring(0, slash);
            name = v.substring(slash + 1);
            if (prefix.isEmpty()) {
                return "prefix part must be non-empty";
            }
            String pe = dns1123SubdomainError(prefix);
            if (pe != null) {
                return "prefix part " + pe;
            }
        }
        if (name.isEmpty()) {
            return "name part must be non-empty";
        }
        if (name.length() > 63) {
            return "name part must be no more than 63 characters";
        }
        return QUALIFIED_NAME.matcher(name).matches() ? null : QUALIFIED_NAME_MSG;
    }

    public static String labelValueError(String v) {
        if (v.length() > 63) {
            return "must be no more than 63 characters";
        }
        return LABEL_VALUE.matcher(v).matches() ? null : LABEL_VALUE_MSG;
    }

    private void required(String field) {
        causes.add(new Cause("FieldValueRequired", "Required value", field));
    }

    private void invalid(String field, Object value, String msg) {
        causes.add(new Cause("FieldValueInvalid", "Invalid value: " + render(value) + ": " + msg, field));
    }

    private void forbidden(String field, String msg) {
        causes.add(new Cause("FieldValueForbidden", "Forbidden: " + msg, field));
    }

    private void unsupported(String field, String value, List<String> supported) {
        StringBuilder b = new StringBuilder();
        for (String s : supported) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(s).append('"');
        }
        causes.add(new Cause("FieldValueNotSupported", "Unsupported value: \"" + value + "\": supported values: " + b,
                field));
    }

    private void duplicate(String field, String value) {
        causes.add(new Cause("FieldValueDuplicate", "Duplicate value: \"" + value + "\"", field));
    }

    private static String render(Object v) {
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(v);
    }

    // ------------------------------------------------------------ entry points

    /** Validates an object about to be created; throws 422 Invalid on any cause. */
    public static <T extends Message> void validateCreate(Resource<T> r, T obj) {
        Validation v = new Validation();
        v.meta(r, r.meta(obj), true);
        v.object(obj, "");
        v.throwIfAny(r, r.meta(obj));
    }

    /** Validates an update of {@code old} to {@code obj}: the object itself plus immutable fields. */
    public static <T extends Message> void validateUpdate(Resource<T> r, T old, T obj) {
        Validation v = new Validation();
        ObjectMeta om = r.meta(old);
        ObjectMeta nm = r.meta(obj);
        v.meta(r, nm, false);
        if (!om.getUid().equals(nm.getUid())) {
            v.invalid("metadata.uid", nm.getUid(), "field is immutable");
        }
        v.object(obj, "");
        v.immutable(old, obj);
        v.throwIfAny(r, nm);
    }

    private void throwIfAny(Resource<?> r, ObjectMeta m) {
        if (!causes.isEmpty()) {
            throw ApiException.invalid(r, m.getName().isEmpty() ? m.getGenerateName() : m.getName(), causes);
        }
    }

    private void meta(Resource<?> r, ObjectMeta m, boolean create) {
        if (m.getName().isEmpty()) {
            if (m.getGenerateName().isEmpty()) {
                causes.add(new Cause("FieldValueRequired", "Required value: name or generateName is required",
                        "metadata.name"));
            } else {
                String prefix = m.getGenerateName();
                String masked = prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
                String err = nameError(r, masked);
                if (err != null) {
                    invalid("metadata.generateName", prefix, err);
                }
            }
        } else {
            String err = nameError(r, m.getName());
            if (err != null) {
                invalid("metadata.name", m.getName(), err);
            }
        }
        if (r.namespaced()) {
            if (m.getNamespace().isEmpty()) {
                required("metadata.namespace");
            } else {
                String err = dns1123LabelError(m.getNamespace());
                if (err != null) {
                    invalid("metadata.namespace", m.getNamespace(), err);
                }
            }
        }
        for (Map.Entry<String, String> e : m.getLabelsMap().entrySet()) {
            String ke = qualifiedNameError(e.getKey());
            if (ke != null) {
                invalid("metadata.labels", e.getKey(), ke);
            }
            String ve = labelValueError(e.getValue());
            if (ve != null) {
                invalid("metadata.labels", e.getValue(), ve);
            }
        }
        long total = 0;
        for (Map.Entry<String, String> e : m.getAnnotationsMap().entrySet()) {
            String ke = qualifiedNameError(e.getKey().toLowerCase(java.util.Locale.ROOT));
            if (ke != null) {
                invalid("metadata.annotations", e.getKey(), ke);
            }
            total += e.getKey().length() + e.getValue().length();
        }
        if (total > 256 * 1024) {
            causes.add(new Cause("FieldValueTooLong", "Too long: must have at most 262144 bytes", "metadata.annotations"));
        }
        if (m.hasDeletionGracePeriodSeconds() && create) {
            // kube clears it on create; nothing to validate
            return;
        }
    }

    private static String nameError(Resource<?> r, String name) {
        return switch (r.kind()) {
            case "Namespace" -> dns1123LabelError(name);
            case "Service" -> dns1035LabelError(name);
            default -> dns1123SubdomainError(name);
        };
    }

    private void object(Message obj, String unused) {
        if (obj instanceof Pod p) {
            podSpec(p.getSpec(), "spec");
        } else if (obj instanceof Node n) {
            taints(n.getSpec().getTaintsList(), "spec.taints");
        } else if (obj instanceof ReplicaSet rs) {
            replicaSet(rs);
        } else if (obj instanceof Service s) {
            service(s);
        } else if (obj instanceof Secret s) {
            for (String k : s.getDataMap().keySet()) {
                if (!k.matches("[-._a-zA-Z0-9]+")) {
                    invalid("data[" + k + "]", k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                }
            }
        } else if (obj instanceof Lease l) {
            if (l.getSpec().hasLeaseDurationSeconds() && l.getSpec().getLeaseDurationSeconds() <= 0) {
                invalid("spec.leaseDurationSeconds", l.getSpec().getLeaseDurationSeconds(), "must be greater than 0");
            }
        } else if (obj instanceof Namespace) {
            return;
        }
    }

    private static final List<String> RESTART_POLICIES = List.of("Always", "Never", "OnFailure");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    private static final List<String> EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");

    private void podSpec(PodSpec s, String path) {
        if (s.getContainersCount() == 0) {
            required(path + ".containers");
        }
        Set<String> names = new HashSet<>();
        containers(s.getInitContainersList(), path + ".initContainers", names);
        containers(s.getContainersList(), path + ".containers", names);
        if (!s.getRestartPolicy().isEmpty() && !RESTART_POLICIES.contains(s.getRestartPolicy())) {
            unsupported(path + ".restartPolicy", s.getRestartPolicy(), RESTART_POLICIES);
        }
        if (!s.getDnsPolicy().isEmpty() && !DNS_POLICIES.contains(s.getDnsPolicy())) {
            unsupported(path + ".dnsPolicy", s.getDnsPolicy(), DNS_POLICIES);
        }
        if (s.hasTerminationGracePeriodSeconds() && s.getTerminationGracePeriodSeconds() < 0) {
            invalid(path + ".terminationGracePeriodSeconds", s.getTerminationGracePeriodSeconds(),
                    "must be greater than or equal to 0");
        }
        if (s.hasActiveDeadlineSeconds() && s.getActiveDeadlineSeconds() <= 0) {
            invalid(path + ".activeDeadlineSeconds", s.getActiveDeadlineSeconds(), "must be between 1 and 2147483647, inclusive");
        }
        if (!s.getNodeName().isEmpty()) {
            String err = dns1123SubdomainError(s.getNodeName());
            if (err != null) {
                invalid(path + ".nodeName", s.getNodeName(), err);
            }
        }
        if (!s.getServiceAccountName().isEmpty()) {
            String err = dns1123SubdomainError(s.getServiceAccountName());
            if (err != null) {
                invalid(path + ".serviceAccountName", s.getServiceAccountName(), err);
            }
        }
        for (Map.Entry<String, String> e : s.getNodeSelectorMap().entrySet()) {
            String ke = qualifiedNameError(e.getKey());
            if (ke != null) {
                invalid(path + ".nodeSelector", e.getKey(), ke);
            }
            String ve = labelValueError(e.getValue());
            if (ve != null) {
                invalid(path + ".nodeSelector", e.getValue(), ve);
            }
        }
        for (int i = 0; i < s.getTolerationsCount(); i++) {
            Toleration t = s.getTolerations(i);
            String tp = path + ".tolerations[" + i + "]";
            String op = t.getOperator().isEmpty() ? "Equal" : t.getOperator();
            if (!op.equals("Equal") && !op.equals("Exists")) {
                unsupported(tp + ".operator", t.getOperator(), List.of("Equal", "Exists"));
            }
            if (op.equals("Exists") && !t.getValue().isEmpty()) {
                invalid(tp + ".operator", t.getValue(), "value must be empty when `operator` is 'Exists'");
            }
            if (t.getKey().isEmpty() && !op.equals("Exists")) {
                invalid(tp + ".operator", t.getOperator(), "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
            }
            if (!t.getEffect().isEmpty() && !EFFECTS.contains(t.getEffect())) {
                unsupported(tp + ".effect", t.getEffect(), EFFECTS);
            }
            if (t.hasTolerationSeconds() && !t.getEffect().equals("NoExecute")) {
                invalid(tp + ".effect", t.getEffect(), "effect must be 'NoExecute' when `tolerationSeconds` is set");
            }
        }
    }

    private void containers(List<Container> cs, String path, Set<String> names) {
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            String p = path + "[" + i + "]";
            if (c.getName().isEmpty()) {
                required(p + ".name");
            } else {
                String err = dns1123LabelError(c.getName());
                if (err != null) {
                    invalid(p + ".name", c.getName(), err);
                } else if (!names.add(c.getName())) {
                    duplicate(p + ".name", c.getName());
                }
            }
            if (c.getImage().isBlank()) {
                required(p + ".image");
            }
            if (!c.getImagePullPolicy().isEmpty() && !PULL_POLICIES.contains(c.getImagePullPolicy())) {
                unsupported(p + ".imagePullPolicy", c.getImagePullPolicy(), PULL_POLICIES);
            }
            for (int j = 0; j < c.getPortsCount(); j++) {
                int port = c.getPorts(j).getContainerPort();
                if (port < 1 || port > 65535) {
                    invalid(p + ".ports[" + j + "].containerPort", port, "must be between 1 and 65535, inclusive");
                }
            }
            Map<String, BigDecimal> limits = quantities(c.getResources().getLimitsMap(), p + ".resources.limits");
            Map<String, BigDecimal> requests = quantities(c.getResources().getRequestsMap(), p + ".resources.requests");
            for (Map.Entry<String, BigDecimal> e : requests.entrySet()) {
                BigDecimal lim = limits.get(e.getKey());
                if (lim != null && e.getValue().compareTo(lim) > 0) {
                    invalid(p + ".resources.requests", c.getResources().getRequestsMap().get(e.getKey()),
                            "must be less than or equal to " + e.getKey() + " limit of "
                                    + c.getResources().getLimitsMap().get(e.getKey()));
                }
            }
        }
    }

    private Map<String, BigDecimal> quantities(Map<String, String> m, String path) {
        Map<String, BigDecimal> out = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            String field = path + "[" + e.getKey() + "]";
            try {
                BigDecimal q = Quantity.parse(e.getValue());
                if (q.signum() < 0) {
                    invalid(field, e.getValue(), "must be greater than or equal to 0");
                } else {
                    out.put(e.getKey(), q);
                }
            } catch (RuntimeException ex) {
                invalid(field, e.getValue(), ex.getMessage());
            }
        }
        return out;
    }

    private void taints(List<Taint> taints, String path) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            String p = path + "[" + i + "]";
            if (t.getKey().isEmpty()) {
                required(p + ".key");
            } else {
                String err = qualifiedNameError(t.getKey());
                if (err != null) {
                    invalid(p + ".key", t.getKey(), err);
                }
            }
            if (!t.getValue().isEmpty()) {
                String err = labelValueError(t.getValue());
                if (err != null) {
                    invalid(p + ".value", t.getValue(), err);
                }
            }
            if (t.getEffect().isEmpty()) {
                required(p + ".effect");
            } else if (!EFFECTS.contains(t.getEffect())) {
                unsupported(p + ".effect", t.getEffect(), EFFECTS);
            }
            if (!seen.add(t.getKey() + ":" + t.getEffect())) {
                duplicate(p, t.getKey() + ":" + t.getEffect());
            }
        }
    }

    private void replicaSet(ReplicaSet rs) {
        if (rs.getSpec().hasReplicas() && rs.getSpec().getReplicas() < 0) {
            invalid("spec.replicas", rs.getSpec().getReplicas(), "must be greater than or equal to 0");
        }
        var sel = rs.getSpec().getSelector();
        if (sel.getMatchLabelsCount() == 0 && sel.getMatchExpressionsCount() == 0) {
            required("spec.selector");
        } else {
            Map<String, String> labels = rs.getSpec().getTemplate().getMetadata().getLabelsMap();
            boolean matches = sel.getMatchLabelsMap().entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
            if (!matches) {
                invalid("spec.template.metadata.labels", labelsString(labels),
                        "`selector` does not match template `labels`");
            }
        }
        podSpec(rs.getSpec().getTemplate().getSpec(), "spec.template.spec");
    }

    private static String labelsString(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("map[");
        new java.util.TreeMap<>(labels).forEach((k, v) -> b.append(b.length() == 4 ? "" : " ").append(k).append(':').append(v));
        return b.append(']').toString();
    }

    private void service(Service s) {
        List<String> types = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        if (!s.getSpec().getType().isEmpty() && !types.contains(s.getSpec().getType())) {
            unsupported("spec.type", s.getSpec().getType(), types);
        }
        if (s.getSpec().getPortsCount() == 0 && !"ExternalName".equals(s.getSpec().getType())
                && !"None".equals(s.getSpec().getClusterIp())) {
            required("spec.ports");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.getSpec().getPortsCount(); i++) {
            ServicePort p = s.getSpec().getPorts(i);
            String path = "spec.ports[" + i + "]";
            if (p.getPort() < 1 || p.getPort() > 65535) {
                invalid(path + ".port", p.getPort(), "must be between 1 and 65535, inclusive");
            }
            if (s.getSpec().getPortsCount() > 1 && p.getName().isEmpty()) {
                required(path + ".name");
            } else if (!p.getName().isEmpty() && !names.add(p.getName())) {
                duplicate(path + ".name", p.getName());
            }
        }
    }

    // ------------------------------------------------------------ immutability

    private void immutable(Message old, Message obj) {
        if (old instanceof Pod op && obj instanceof Pod np) {
            PodSpec a = op.getSpec();
            PodSpec b = np.getSpec();
            // the mutable fields: images, activeDeadlineSeconds, tolerations (additions), terminationGracePeriodSeconds
            PodSpec.Builder ma = a.toBuilder().clearActiveDeadlineSeconds().clearTolerations();
            PodSpec.Builder mb = b.toBuilder().clearActiveDeadlineSeconds().clearTolerations();
            for (int i = 0; i < ma.getContainersCount() && i < mb.getContainersCount(); i++) {
                mb.setContainers(i, mb.getContainers(i).toBuilder().setImage(ma.getContainers(i).getImage()));
            }
            for (int i = 0; i < ma.getInitContainersCount() && i < mb.getInitContainersCount(); i++) {
                mb.setInitContainers(i, mb.getInitContainers(i).toBuilder().setImage(ma.getInitContainers(i).getImage()));
            }
            if (!a.getNodeName().isEmpty() || !b.getNodeName().isEmpty()) {
                if (!a.getNodeName().equals(b.getNodeName()) && !a.getNodeName().isEmpty()) {
                    // changing the node of a bound pod
                    forbidden("spec", PodUpdateMessage.TEXT);
                    return;
                }
                ma.setNodeName(b.getNodeName());
            }
            boolean tolerationsOk = b.getTolerationsList().containsAll(a.getTolerationsList());
            if (!ma.build().equals(mb.build()) || !tolerationsOk) {
                forbidden("spec", PodUpdateMessage.TEXT);
            }
        } else if (old instanceof Node on && obj instanceof Node nn) {
            String a = on.getSpec().getPodCidr();
            if (!a.isEmpty() && !a.equals(nn.getSpec().getPodCidr())) {
                forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid");
            }
        } else if (old instanceof ReplicaSet or && obj instanceof ReplicaSet nr) {
            if (!or.getSpec().getSelector().equals(nr.getSpec().getSelector())) {
                invalid("spec.selector", "v1.LabelSelector" + nr.getSpec().getSelector().getMatchLabelsMap(),
                        "field is immutable");
            }
        } else if (old instanceof Secret os && obj instanceof Secret ns) {
            if (os.getImmutable()) {
                if (!os.getDataMap().equals(ns.getDataMap())) {
                    forbidden("data", "field is immutable when `immutable` is set");
                }
                if (!ns.getImmutable()) {
                    forbidden("immutable", "field is immutable when `immutable` is set");
                }
            }
            if (!os.getType().equals(ns.getType())) {
                invalid("type", ns.getType(), "field is immutable");
            }
        } else if (old instanceof Service os && obj instanceof Service ns) {
            String a = os.getSpec().getClusterIp();
            if (!a.isEmpty() && !a.equals(ns.getSpec().getClusterIp())) {
                invalid("spec.clusterIPs[0]", ns.getSpec().getClusterIp(), "may not change once set");
            }
        }
    }

    /** kube-apiserver's pod update message, verbatim. */
    static final class PodUpdateMessage {
        static final String TEXT = "pod updates may not change fields other than `spec.containers[*].image`,"
                + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                + "previously negative)";

        private PodUpdateMessage() {
        }
    }
}
