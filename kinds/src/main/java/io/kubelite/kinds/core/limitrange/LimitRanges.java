package io.kubelite.kinds.core.limitrange;

import io.kubelite.api.Container;
import io.kubelite.api.LimitRange;
import io.kubelite.api.LimitRangeItem;
import io.kubelite.api.PersistentVolumeClaim;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.ResourceRequirements;
import io.kubelite.kinds.core.resourcequota.Amount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube's LimitRanger admission plugin as pure functions over a namespace's LimitRanges:
 * {@link #defaults} fills containers' missing requests and limits from items of type Container
 * (and records what it set in the {@code kubernetes.io/limit-ranger} annotation), {@link
 * #violations} checks min, max and maxLimitRequestRatio of containers, pods and claims with
 * kube's messages.
 */
public final class LimitRanges {
    public static final String CONTAINER = "Container";
    public static final String POD = "Pod";
    public static final String CLAIM = "PersistentVolumeClaim";
    public static final String ANNOTATION = "kubernetes.io/limit-ranger";

    private LimitRanges() {}

    /** {@code pod} with the defaults of every range applied, the first range to set a resource winning. */
    public static Pod defaults(Pod pod, List<LimitRange> ranges) {
        Map<String, String> defLimits = new TreeMap<>();
        Map<String, String> defRequests = new TreeMap<>();
        for (LimitRange lr : ranges) {
            for (LimitRangeItem item : lr.getSpec().getLimitsList()) {
                if (item.getType().equals(CONTAINER)) {
                    item.getDefaultMap().forEach(defLimits::putIfAbsent);
                    item.getDefaultRequestMap().forEach(defRequests::putIfAbsent);
                }
            }
        }
        if (defLimits.isEmpty() && defRequests.isEmpty()) {
            return pod;
        }
        Pod.Builder b = pod.toBuilder();
        PodSpec.Builder spec = b.getSpecBuilder();
        List<String> notes = new ArrayList<>();
        for (Container.Builder c : spec.getContainersBuilderList()) {
            merge(c, defLimits, defRequests, "container", notes);
        }
        for (Container.Builder c : spec.getInitContainersBuilderList()) {
            merge(c, defLimits, defRequests, "init container", notes);
        }
        if (notes.isEmpty()) {
            return pod;
        }
        b.getMetadataBuilder().putAnnotations(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
        return b.build();
    }

    /** kube's {@code mergeContainerResources}. */
    private static void merge(
            Container.Builder c,
            Map<String, String> defLimits,
            Map<String, String> defRequests,
            String prefix,
            List<String> notes) {
        ResourceRequirements.Builder r = c.getResourcesBuilder();
        TreeSet<String> setLimits = new TreeSet<>();
        TreeSet<String> setRequests = new TreeSet<>();
        defLimits.forEach((k, v) -> {
            if (!r.containsLimits(k)) {
                r.putLimits(k, v);
                setLimits.add(k);
            }
        });
        defRequests.forEach((k, v) -> {
            if (!r.containsRequests(k)) {
                r.putRequests(k, v);
                setRequests.add(k);
            }
        });
        if (!setRequests.isEmpty()) {
            notes.add(String.join(", ", setRequests) + " request for " + prefix + " " + c.getName());
        }
        if (!setLimits.isEmpty()) {
            notes.add(String.join(", ", setLimits) + " limit for " + prefix + " " + c.getName());
        }
    }

    /** kube's {@code PodValidateLimitFunc}: every violation of {@code pod}, in kube's words; empty when it fits. */
    public static List<String> violations(Pod pod, List<LimitRange> ranges) {
        List<String> errs = new ArrayList<>();
        for (LimitRange lr : ranges) {
            for (LimitRangeItem item : lr.getSpec().getLimitsList()) {
                if (item.getType().equals(CONTAINER)) {
                    List<Container> all = new ArrayList<>(pod.getSpec().getContainersList());
                    all.addAll(pod.getSpec().getInitContainersList());
                    for (Container c : all) {
                        check(
                                item,
                                CONTAINER,
                                c.getResources().getRequestsMap(),
                                c.getResources().getLimitsMap(),
                                errs);
                    }
                } else if (item.getType().equals(POD)) {
                    check(item, POD, podTotal(pod, true), podTotal(pod, false), errs);
                }
            }
        }
        return errs;
    }

    /** kube's {@code PersistentVolumeClaimValidateLimitFunc}: the claim's storage request within min and max. */
    public static List<String> violations(PersistentVolumeClaim pvc, List<LimitRange> ranges) {
        List<String> errs = new ArrayList<>();
        for (LimitRange lr : ranges) {
            for (LimitRangeItem item : lr.getSpec().getLimitsList()) {
                if (!item.getType().equals(CLAIM)) {
                    continue;
                }
                Map<String, String> req = pvc.getSpec().getResources().getRequestsMap();
                item.getMinMap().forEach((k, v) -> {
                    String q = req.get(k);
                    if (q == null) {
                        errs.add("minimum " + k + " usage per " + CLAIM + " is " + canon(v)
                                + ".  No request is specified");
                    } else if (amount(q).compareTo(amount(v)) < 0) {
                        errs.add("minimum " + k + " usage per " + CLAIM + " is " + canon(v) + ", but request is "
                                + canon(q));
                    }
                });
                item.getMaxMap().forEach((k, v) -> {
                    String q = req.get(k);
                    if (q == null) {
                        errs.add("maximum " + k + " usage per " + CLAIM + " is " + canon(v)
                                + ".  No request is specified");
                    } else if (amount(q).compareTo(amount(v)) > 0) {
                        errs.add("maximum " + k + " usage per " + CLAIM + " is " + canon(v) + ", but request is "
                                + canon(q));
                    }
                });
            }
        }
        return errs;
    }

    /** The pod's requests or limits: containers summed, each resource raised to the largest init container's. */
    private static Map<String, String> podTotal(Pod pod, boolean requests) {
        Map<String, Amount> sum = new TreeMap<>();
        for (Container c : pod.getSpec().getContainersList()) {
            (requests ? c.getResources().getRequestsMap() : c.getResources().getLimitsMap())
                    .forEach((k, v) -> sum.merge(k, amount(v), Amount::plus));
        }
        for (Container c : pod.getSpec().getInitContainersList()) {
            (requests ? c.getResources().getRequestsMap() : c.getResources().getLimitsMap())
                    .forEach((k, v) -> sum.merge(k, amount(v), Amount::max));
        }
        Map<String, String> out = new TreeMap<>();
        sum.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static void check(
            LimitRangeItem item, String type, Map<String, String> req, Map<String, String> lim, List<String> errs) {
        item.getMinMap().forEach((k, v) -> {
            String rq = req.get(k);
            String l = lim.get(k);
            if (rq == null) {
                errs.add("minimum " + k + " usage per " + type + " is " + canon(v) + ".  No request is specified");
            } else if (amount(rq).compareTo(amount(v)) < 0) {
                errs.add("minimum " + k + " usage per " + type + " is " + canon(v) + ", but request is " + canon(rq));
            } else if (l != null && amount(l).compareTo(amount(v)) < 0) {
                errs.add("minimum " + k + " usage per " + type + " is " + canon(v) + ", but limit is " + canon(l));
            }
        });
        item.getMaxMap().forEach((k, v) -> {
            String rq = req.get(k);
            String l = lim.get(k);
            if (l == null) {
                errs.add("maximum " + k + " usage per " + type + " is " + canon(v) + ".  No limit is specified");
            } else if (amount(l).compareTo(amount(v)) > 0) {
                errs.add("maximum " + k + " usage per " + type + " is " + canon(v) + ", but limit is " + canon(l));
            } else if (rq != null && amount(rq).compareTo(amount(v)) > 0) {
                errs.add("maximum " + k + " usage per " + type + " is " + canon(v) + ", but request is " + canon(rq));
            }
        });
        item.getMaxLimitRequestRatioMap().forEach((k, v) -> {
            String rq = req.get(k);
            String l = lim.get(k);
            if (rq == null || amount(rq).isZero()) {
                errs.add(k + " max limit to request ratio per " + type + " is " + canon(v)
                        + ", but no request is specified or request is 0");
            } else if (l == null || amount(l).isZero()) {
                errs.add(k + " max limit to request ratio per " + type + " is " + canon(v)
                        + ", but no limit is specified or limit is 0");
            } else {
                BigDecimal ratio = amount(l).value().divide(amount(rq).value(), 6, RoundingMode.HALF_EVEN);
                if (ratio.compareTo(amount(v).value()) > 0) {
                    errs.add(k + " max limit to request ratio per " + type + " is " + canon(v)
                            + ", but provided ratio is "
                            + ratio.setScale(6, RoundingMode.HALF_EVEN).toPlainString());
                }
            }
        });
    }

    private static Amount amount(String q) {
        try {
            return Amount.parse(q);
        } catch (IllegalArgumentException e) {
            return Amount.ZERO;
        }
    }

    /** kube's {@code Quantity.String()} of {@code q}, as its messages print quantities. */
    private static String canon(String q) {
        try {
            return Amount.parse(q).toString();
        } catch (IllegalArgumentException e) {
            return q;
        }
    }
}
