package io.kubelite.kinds.core.resourcequota;

import com.google.protobuf.Message;
import io.kubelite.api.Container;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.api.Service;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one object uses of a namespace's quotas, by resource name, as kube's quota evaluators
 * count it: {@code count/<resource>[.<group>]} for every kind, and the standard names for pods
 * (not once terminal: Succeeded or Failed), services, configmaps, secrets and claims. Quantities
 * that do not parse count as nothing (validation refused them before).
 */
public final class Usage {
    private Usage() {}

    /** kube's {@code count/<resource>.<group>} name ({@code count/pods} in the core group). */
    public static String countName(Resource<?> r) {
        return ResourceNames.COUNT_PREFIX + r.plural() + (r.group().isEmpty() ? "" : "." + r.group());
    }

    /** The usage of {@code obj}, a {@code r}; sorted by name. */
    public static Map<String, Amount> of(Resource<?> r, Message obj) {
        Map<String, Amount> u = new TreeMap<>();
        u.put(countName(r), Amount.count(1));
        if (obj instanceof Pod p) {
            if (!terminal(p)) {
                pod(p, u);
            }
        } else if (obj instanceof Service s) {
            u.put(ResourceNames.SERVICES, Amount.count(1));
            int ports = s.getSpec().getPortsCount();
            switch (s.getSpec().getType()) {
                case "LoadBalancer" -> {
                    u.put(ResourceNames.LOAD_BALANCERS, Amount.count(1));
                    boolean nodePorts = !s.getSpec().hasAllocateLoadBalancerNodePorts()
                            || s.getSpec().getAllocateLoadBalancerNodePorts();
                    u.put(ResourceNames.NODE_PORTS, Amount.count(nodePorts ? ports : 0));
                }
                case "NodePort" -> u.put(ResourceNames.NODE_PORTS, Amount.count(ports));
                default -> {}
            }
        } else if (obj instanceof PersistentVolumeClaim c) {
            u.put(ResourceNames.CLAIMS, Amount.count(1));
            String storage = c.getSpec().getResources().getRequestsMap().get("storage");
            String cls = c.getSpec().getStorageClassName();
            String classPrefix = cls.isEmpty() ? null : cls + ".storageclass.storage.k8s.io/";
            if (classPrefix != null) {
                u.put(classPrefix + ResourceNames.CLAIMS, Amount.count(1));
            }
            Amount a = parse(storage);
            if (a != null) {
                u.put(ResourceNames.REQUESTS_STORAGE, a);
                if (classPrefix != null) {
                    u.put(classPrefix + ResourceNames.REQUESTS_STORAGE, a);
                }
            }
        } else if (r.plural().equals(ResourceNames.CONFIGMAPS) && r.group().isEmpty()) {
            u.put(ResourceNames.CONFIGMAPS, Amount.count(1));
        } else if (r.plural().equals(ResourceNames.SECRETS) && r.group().isEmpty()) {
            u.put(ResourceNames.SECRETS, Amount.count(1));
        } else if (r.plural().equals(ResourceNames.RESOURCE_QUOTAS) && r.group().isEmpty()) {
            u.put(ResourceNames.RESOURCE_QUOTAS, Amount.count(1));
        }
        return Collections.unmodifiableMap(u);
    }

    /** Whether a pod no longer uses compute quota: it succeeded or failed. */
    public static boolean terminal(Pod p) {
        String phase = p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** kube's {@code PodUsageFunc}: containers summed, the largest init container's counted where larger, plus overhead. */
    private static void pod(Pod p, Map<String, Amount> u) {
        Map<String, Amount> requests = new TreeMap<>();
        Map<String, Amount> limits = new TreeMap<>();
        for (Container c : p.getSpec().getContainersList()) {
            add(requests, c.getResources().getRequestsMap());
            add(limits, c.getResources().getLimitsMap());
        }
        for (Container c : p.getSpec().getInitContainersList()) {
            max(requests, c.getResources().getRequestsMap());
            max(limits, c.getResources().getLimitsMap());
        }
        add(requests, p.getSpec().getOverheadMap());
        add(limits, p.getSpec().getOverheadMap());
        u.putAll(computeUsage(requests, limits));
    }

    /** kube's {@code podComputeUsageHelper}: pods=1 and the quota names of requests and limits. */
    static Map<String, Amount> computeUsage(Map<String, Amount> requests, Map<String, Amount> limits) {
        Map<String, Amount> u = new TreeMap<>();
        u.put(ResourceNames.PODS, Amount.count(1));
        for (String res : List.of("cpu", "memory", "ephemeral-storage")) {
            Amount rq = requests.get(res);
            if (rq != null) {
                u.put(res, rq);
                u.put("requests." + res, rq);
            }
            Amount l = limits.get(res);
            if (l != null) {
                u.put("limits." + res, l);
            }
        }
        requests.forEach((k, v) -> {
            if (k.startsWith("hugepages-")) {
                u.put(k, v);
                u.put("requests." + k, v);
            } else if (k.contains("/")) {
                u.put("requests." + k, v);
            }
        });
        return u;
    }

    /**
     * kube's pod evaluator {@code Constraints}: when a quota tracks cpu or memory (of {@code
     * required}), every container must state them. Null when satisfied, else kube's
     * {@code must specify limits.cpu for: app; requests.memory for: app,db}.
     */
    public static String podConstraintError(Pod p, java.util.Set<String> required) {
        TreeSet<String> req = new TreeSet<>(required);
        req.retainAll(ResourceNames.CONTAINER_REQUIRED);
        if (req.isEmpty()) {
            return null;
        }
        Map<String, TreeSet<String>> missing = new TreeMap<>();
        List<Container> all = new ArrayList<>(p.getSpec().getContainersList());
        all.addAll(p.getSpec().getInitContainersList());
        for (Container c : all) {
            Map<String, Amount> rq = new TreeMap<>();
            Map<String, Amount> lim = new TreeMap<>();
            add(rq, c.getResources().getRequestsMap());
            add(lim, c.getResources().getLimitsMap());
            Map<String, Amount> has = computeUsage(rq, lim);
            for (String r : req) {
                if (!has.containsKey(r)) {
                    missing.computeIfAbsent(r, k -> new TreeSet<>()).add(c.getName());
                }
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        missing.forEach((r, names) -> parts.add(r + " for: " + String.join(",", names)));
        return "must specify " + String.join("; ", parts);
    }

    private static void add(Map<String, Amount> into, Map<String, String> quantities) {
        quantities.forEach((k, v) -> {
            Amount a = parse(v);
            if (a != null) {
                into.merge(k, a, Amount::plus);
            }
        });
    }

    private static void max(Map<String, Amount> into, Map<String, String> quantities) {
        quantities.forEach((k, v) -> {
            Amount a = parse(v);
            if (a != null) {
                into.merge(k, a, Amount::max);
            }
        });
    }

    private static Amount parse(String q) {
        if (q == null) {
            return null;
        }
        try {
            return Amount.parse(q);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
