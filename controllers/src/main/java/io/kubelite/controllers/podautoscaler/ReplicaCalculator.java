package io.kubelite.controllers.podautoscaler;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.api.PodCondition;
import io.kubelite.controllers.podautoscaler.PodMetricsSource.MetricsUnavailableException;
import io.kubelite.controllers.podautoscaler.PodResourceMetrics.Sample;
import io.kubelite.controllers.util.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code replica_calculator.go} for resource metrics: from the pods' samples and the target,
 * the replica count the metric asks for. Ready pods' samples give the usage ratio; within the
 * tolerance nothing changes. When pods are missing samples, or unready pods would count on a
 * scale-up, the ratio is recomputed with missing pods at 100% of their request (the target, if
 * higher) on a scale-down and 0% on a scale-up, and unready pods at 0%; a recomputed ratio that flips
 * the direction or lands within the tolerance keeps the current count. Stateless; thread-safe.
 */
final class ReplicaCalculator {
    /** Why no count could be computed; the message is kube's. */
    static final class ComputeException extends Exception {
        ComputeException(String message) {
            super(message);
        }
    }

    /** A proposal: the replica count, and what the metric was (utilization percent, average milli-value). */
    record Proposal(int replicas, int utilization, long rawAverage, Instant timestamp) {}

    private final double tolerance;
    private final Duration cpuInitializationPeriod;
    private final Duration initialReadinessDelay;
    private final Clock clock;

    ReplicaCalculator(double tolerance, Duration cpuInitializationPeriod, Duration initialReadinessDelay, Clock clock) {
        this.tolerance = tolerance;
        this.cpuInitializationPeriod = cpuInitializationPeriod;
        this.initialReadinessDelay = initialReadinessDelay;
        this.clock = clock;
    }

    /** kube's {@code GetResourceReplicas}: a Utilization target, in percent of the pods' requests. */
    Proposal resourceReplicas(
            int currentReplicas,
            int targetUtilization,
            String resource,
            String container,
            PodResourceMetrics.Result fetched,
            List<Pod> pods)
            throws ComputeException {
        if (pods.isEmpty()) {
            throw new ComputeException("no pods returned by selector while calculating replica count");
        }
        Map<String, Sample> metrics = new HashMap<>(fetched.byPod());
        Groups g = group(pods, metrics, resource);
        g.ignored.forEach(metrics::remove);
        g.unready.forEach(metrics::remove);
        if (metrics.isEmpty()) {
            throw new ComputeException("did not receive metrics for targeted pods (pods might be unready)");
        }
        Map<String, Long> requests = podRequests(pods, container, resource);
        Utilization u = utilizationRatio(metrics, requests, targetUtilization);

        boolean scaleUpWithUnready = !g.unready.isEmpty() && u.ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (withinTolerance(u.ratio)) {
                return new Proposal(currentReplicas, u.utilization, u.rawAverage, fetched.timestamp());
            }
            return new Proposal(
                    (int) Math.ceil(u.ratio * g.readyCount), u.utilization, u.rawAverage, fetched.timestamp());
        }
        if (!g.missing.isEmpty()) {
            if (u.ratio < 1.0) {
                // on a scale-down, missing pods count as using their whole request (or the target, if above 100%)
                long fallback = Math.max(100, targetUtilization);
                for (String pod : g.missing) {
                    metrics.put(pod, new Sample(null, null, requests.getOrDefault(pod, 0L) * fallback / 100));
                }
            } else if (u.ratio > 1.0) {
                for (String pod : g.missing) {
                    metrics.put(pod, new Sample(null, null, 0));
                }
            }
        }
        if (scaleUpWithUnready) {
            for (String pod : g.unready) {
                metrics.put(pod, new Sample(null, null, 0));
            }
        }
        double newRatio = utilizationRatio(metrics, requests, targetUtilization).ratio;
        return settle(currentReplicas, u.ratio, newRatio, metrics.size(), u.utilization, u.rawAverage, fetched);
    }

    /** kube's {@code GetRawResourceReplicas}: an AverageValue target, in milli-units per pod. */
    Proposal rawResourceReplicas(
            int currentReplicas, long targetMilli, String resource, PodResourceMetrics.Result fetched, List<Pod> pods)
            throws ComputeException {
        if (pods.isEmpty()) {
            throw new ComputeException("no pods returned by selector while calculating replica count");
        }
        Map<String, Sample> metrics = new HashMap<>(fetched.byPod());
        Groups g = group(pods, metrics, resource);
        g.ignored.forEach(metrics::remove);
        g.unready.forEach(metrics::remove);
        if (metrics.isEmpty()) {
            throw new ComputeException("did not receive metrics for targeted pods (pods might be unready)");
        }
        long usage = average(metrics);
        double ratio = (double) usage / targetMilli;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (withinTolerance(ratio)) {
                return new Proposal(currentReplicas, 0, usage, fetched.timestamp());
            }
            return new Proposal((int) Math.ceil(ratio * g.readyCount), 0, usage, fetched.timestamp());
        }
        if (!g.missing.isEmpty()) {
            long fill = ratio < 1.0 ? targetMilli : 0;
            for (String pod : g.missing) {
                metrics.put(pod, new Sample(null, null, fill));
            }
        }
        if (scaleUpWithUnready) {
            for (String pod : g.unready) {
                metrics.put(pod, new Sample(null, null, 0));
            }
        }
        double newRatio = (double) average(metrics) / targetMilli;
        return settle(currentReplicas, ratio, newRatio, metrics.size(), 0, usage, fetched);
    }

    /** The recomputed ratio's count, unless it is within tolerance or would reverse the direction. */
    private Proposal settle(
            int current,
            double ratio,
            double newRatio,
            int counted,
            int utilization,
            long raw,
            PodResourceMetrics.Result fetched) {
        if (withinTolerance(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            return new Proposal(current, utilization, raw, fetched.timestamp());
        }
        int next = (int) Math.ceil(newRatio * counted);
        if ((newRatio < 1.0 && next > current) || (newRatio > 1.0 && next < current)) {
            return new Proposal(current, utilization, raw, fetched.timestamp());
        }
        return new Proposal(next, utilization, raw, fetched.timestamp());
    }

    private boolean withinTolerance(double ratio) {
        return Math.abs(1.0 - ratio) <= tolerance;
    }

    private static long average(Map<String, Sample> metrics) {
        long total = 0;
        for (Sample s : metrics.values()) {
            total += s.milliValue();
        }
        return total / metrics.size();
    }

    private record Utilization(double ratio, int utilization, long rawAverage) {}

    /** kube's {@code GetResourceUtilizationRatio}: integer percent of summed usage over summed requests. */
    private static Utilization utilizationRatio(Map<String, Sample> metrics, Map<String, Long> requests, int target)
            throws ComputeException {
        long usage = 0;
        long requested = 0;
        int entries = 0;
        for (Map.Entry<String, Sample> e : metrics.entrySet()) {
            Long r = requests.get(e.getKey());
            if (r == null) {
                continue; // a sample of a pod not selected: extraneous
            }
            usage += e.getValue().milliValue();
            requested += r;
            entries++;
        }
        if (requested == 0) {
            throw new ComputeException("no metrics returned matched known pods");
        }
        int utilization = (int) (usage * 100 / requested);
        return new Utilization((double) utilization / target, utilization, usage / entries);
    }

    /** kube's {@code calculatePodRequests}: each pod's summed request in milli-units; one missing is an error. */
    static Map<String, Long> podRequests(List<Pod> pods, String container, String resource) throws ComputeException {
        Map<String, Long> out = new HashMap<>();
        for (Pod p : pods) {
            List<Container> cs = new ArrayList<>(p.getSpec().getContainersList());
            for (Container c : p.getSpec().getInitContainersList()) {
                if ("Always".equals(c.getRestartPolicy())) {
                    cs.add(c); // a sidecar runs beside the app and is counted
                }
            }
            long sum = 0;
            for (Container c : cs) {
                if (container != null && !container.equals(c.getName())) {
                    continue;
                }
                String req = c.getResources().getRequestsMap().get(resource);
                if (req == null) {
                    throw new ComputeException("missing request for " + resource + " in container " + c.getName()
                            + " of Pod " + p.getMetadata().getName());
                }
                try {
                    sum += PodResourceMetrics.milliValue(req);
                } catch (MetricsUnavailableException e) {
                    throw new ComputeException(e.getMessage());
                }
            }
            out.put(p.getMetadata().getName(), sum);
        }
        return out;
    }

    private static final class Groups {
        int readyCount;
        final Set<String> unready = new HashSet<>();
        final Set<String> missing = new HashSet<>();
        final Set<String> ignored = new HashSet<>();
    }

    /** kube's {@code groupPods}: ready (counted), unready, missing a sample, ignored (deleting or failed). */
    private Groups group(List<Pod> pods, Map<String, Sample> metrics, String resource) {
        Groups g = new Groups();
        Instant now = clock.instant();
        for (Pod p : pods) {
            String name = p.getMetadata().getName();
            if (p.getMetadata().hasDeletionTimestamp()
                    || "Failed".equals(p.getStatus().getPhase())) {
                g.ignored.add(name);
                continue;
            }
            if ("Pending".equals(p.getStatus().getPhase())) {
                g.unready.add(name);
                continue;
            }
            Sample sample = metrics.get(name);
            if (sample == null) {
                g.missing.add(name);
                continue;
            }
            if ("cpu".equals(resource) && cpuUnready(p, sample, now)) {
                g.unready.add(name);
                continue;
            }
            g.readyCount++;
        }
        return g;
    }

    /**
     * kube: within the CPU initialization period after start, a pod counts as unready while not Ready
     * or until one metric window has passed since its readiness changed; after it, only a pod that
     * has never been Ready (its condition last changed within the initial readiness delay of start).
     */
    private boolean cpuUnready(Pod p, Sample sample, Instant now) {
        PodCondition ready = p.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .orElse(null);
        if (ready == null || !p.getStatus().hasStartTime()) {
            return true;
        }
        Instant start = Times.instant(p.getStatus().getStartTime());
        Instant transition = Times.instant(ready.getLastTransitionTime());
        if (start.plus(cpuInitializationPeriod).isAfter(now)) {
            return ready.getStatus().equals("False") || sample.timestamp().isBefore(transition.plus(sample.window()));
        }
        return ready.getStatus().equals("False")
                && start.plus(initialReadinessDelay).isAfter(transition);
    }
}
