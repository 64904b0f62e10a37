package io.kubelite.kubelet.config;

import io.kubelite.api.Container;
import io.kubelite.api.ObjectFieldSelector;
import io.kubelite.api.Pod;
import io.kubelite.api.Quantity;
import io.kubelite.api.ResourceFieldSelector;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The downward API's values, as the kubelet computes them for env vars and downwardAPI volumes:
 * pod fields ({@code fieldRef}) and container resources ({@code resourceFieldRef}, limits the
 * container does not set defaulting to the node's allocatable, values divided by the divisor and
 * rounded up).
 *
 * @param pod the pod
 * @param podIp its IP ("" before it has one)
 * @param hostIp its node's address
 * @param allocatable the node's allocatable, for limits the container leaves unset
 */
public record DownwardApi(Pod pod, String podIp, String hostIp, Map<String, String> allocatable) {
    private static final Pattern SUBSCRIPT = Pattern.compile("^(metadata\\.(?:labels|annotations))\\['(.*)'\\]$");

    /** The value of a {@code fieldRef}. */
    public String field(ObjectFieldSelector ref) throws ContainerConfigException {
        String path = ref.getFieldPath();
        Matcher m = SUBSCRIPT.matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("metadata.labels")
                    ? pod.getMetadata().getLabelsMap()
                    : pod.getMetadata().getAnnotationsMap();
            return map.getOrDefault(m.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabelsMap());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotationsMap());
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.hostIPs" -> hostIp;
            case "status.podIP", "status.podIPs" -> podIp;
            default -> throw new ContainerConfigException("unsupported fieldPath: " + path);
        };
    }

    /** The value of a {@code resourceFieldRef} about {@code container}. */
    public String resource(ResourceFieldSelector ref, Container container) throws ContainerConfigException {
        String resource = ref.getResource();
        int dot = resource.indexOf('.');
        String kind = dot < 0 ? "" : resource.substring(0, dot);
        String name = dot < 0 ? "" : resource.substring(dot + 1);
        Map<String, String> values;
        if (kind.equals("limits")) {
            values = container.getResources().getLimitsMap();
        } else if (kind.equals("requests")) {
            values = container.getResources().getRequestsMap();
        } else {
            throw new ContainerConfigException("unsupported container resource : " + resource);
        }
        String divisor = ref.getDivisor().isEmpty() ? "1" : ref.getDivisor();
        String value = values.get(name);
        if (value == null && kind.equals("limits")) {
            value = allocatable.get(name);
        }
        try {
            switch (name) {
                case "cpu" -> {
                    long millis = value == null ? 0 : Quantity.cpuMillis(value);
                    return Long.toString(ceilDiv(millis, Math.max(1, Quantity.cpuMillis(divisor))));
                }
                case "memory", "ephemeral-storage" -> {
                    long bytes = value == null ? 0 : Quantity.bytes(value);
                    return Long.toString(ceilDiv(bytes, Math.max(1, Quantity.bytes(divisor))));
                }
                default -> throw new ContainerConfigException("unsupported container resource : " + resource);
            }
        } catch (IllegalArgumentException e) {
            throw new ContainerConfigException("invalid quantity for " + resource + ": " + e.getMessage());
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** kube's fieldpath.FormatMap: sorted {@code key="value"} lines, the value Go-quoted. */
    static String formatMap(Map<String, String> m) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(e.getKey()).append('=').append(goQuote(e.getValue()));
        }
        return out.toString();
    }

    private static String goQuote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
