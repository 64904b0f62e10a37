package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.Node;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.Quantity;
import io.kubelite.api.Taint;
import io.kubelite.api.Toleration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kubelet's admission of a pod bound to its node: the pod must tolerate every
 * NoExecute taint, and fit the node's allocatable next to the pods already admitted
 * (pod count first, then cpu, memory and any other requested resource). A rejection's
 * reason and message are the kubelet's ({@code OutOfcpu}, "Node didn't have enough
 * resource: cpu, requested: 2000, used: 7000, capacity: 8000").
 */
public final class PodAdmitter {
    private PodAdmitter() {}

    /** Admitted, or the reason (e.g. OutOfcpu) and message of the rejection. */
    public record Result(boolean admitted, String reason, String message) {
        static final Result OK = new Result(true, "", "");
    }

    public static Result admit(Pod pod, Node node, List<Pod> admitted) {
        for (Taint t : node.getSpec().getTaintsList()) {
            if (t.getEffect().equals("NoExecute") && !tolerated(t, pod.getSpec().getTolerationsList())) {
                return new Result(
                        false, "node(s) had taints that the pod didn't tolerate", "Predicate TaintToleration failed");
            }
        }
        Map<String, String> alloc = node.getStatus().getAllocatableMap();
        if (alloc.containsKey("pods")) {
            long cap = quantity("pods", alloc.get("pods"));
            if (admitted.size() + 1 > cap) {
                return insufficient("pods", 1, admitted.size(), cap);
            }
        }
        Map<String, Long> want = requests(pod.getSpec());
        Map<String, Long> used = new HashMap<>();
        for (Pod p : admitted) {
            requests(p.getSpec()).forEach((k, v) -> used.merge(k, v, Long::sum));
        }
        Set<String> order = new LinkedHashSet<>(List.of("cpu", "memory", "ephemeral-storage"));
        order.addAll(want.keySet());
        for (String r : order) {
            long w = want.getOrDefault(r, 0L);
            if (w == 0) {
                continue;
            }
            String a = alloc.get(r);
            if (a == null) {
                if (r.equals("cpu") || r.equals("memory") || r.equals("ephemeral-storage")) {
                    continue; // not advertised: not accounted
                }
                return insufficient(r, w, used.getOrDefault(r, 0L), 0);
            }
            long cap = quantity(r, a);
            long u = used.getOrDefault(r, 0L);
            if (u + w > cap) {
                return insufficient(r, w, u, cap);
            }
        }
        return Result.OK;
    }

    private static Result insufficient(String resource, long requested, long used, long capacity) {
        return new Result(
                false,
                "OutOf" + resource,
                "Node didn't have enough resource: " + resource + ", requested: " + requested + ", used: " + used
                        + ", capacity: " + capacity);
    }

    static boolean tolerated(Taint t, List<Toleration> tolerations) {
        for (Toleration tol : tolerations) {
            if (!tol.getEffect().isEmpty() && !tol.getEffect().equals(t.getEffect())) {
                continue;
            }
            if (tol.getOperator().equals("Exists")) {
                if (tol.getKey().isEmpty() || tol.getKey().equals(t.getKey())) {
                    return true;
                }
            } else if (tol.getKey().equals(t.getKey()) && tol.getValue().equals(t.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** The pod's effective requests: max(largest init container, sum of app containers); limits stand in for missing requests. */
    static Map<String, Long> requests(PodSpec spec) {
        Map<String, Long> sum = new HashMap<>();
        for (Container c : spec.getContainersList()) {
            containerRequests(c).forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        for (Container c : spec.getInitContainersList()) {
            containerRequests(c).forEach((k, v) -> sum.merge(k, v, Math::max));
        }
        return sum;
    }

    private static Map<String, Long> containerRequests(Container c) {
        Map<String, String> q = new HashMap<>(c.getResources().getLimitsMap());
        q.putAll(c.getResources().getRequestsMap());
        Map<String, Long> out = new HashMap<>();
        q.forEach((k, v) -> out.put(k, quantity(k, v)));
        return out;
    }

    private static long quantity(String resource, String value) {
        try {
            return resource.equals("cpu") ? Quantity.cpuMillis(value) : Quantity.bytes(value);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
