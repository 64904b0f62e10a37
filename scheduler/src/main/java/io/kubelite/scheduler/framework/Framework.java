package io.kubelite.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scheduling profile's plugins (built by {@link Profile#build}), with score weights, and the algorithm
 * that runs them for one pod over a snapshot of nodes (kube-scheduler's schedulePod):
 * PreFilter, Filter until enough feasible nodes are found, PreScore, Score, normalize,
 * weight, pick the best (ties broken at random).
 *
 * <p>Not thread-safe: one scheduling thread calls {@link #schedule}; the node list must
 * not change during the call. Within a call, Filter and Score run on the
 * {@link #parallelizer}'s workers.
 */
public final class Framework {
    private final List<PreFilterPlugin> preFilters = new ArrayList<>();
    private final List<FilterPlugin> filters = new ArrayList<>();
    private final List<PreScorePlugin> preScores = new ArrayList<>();
    private final List<ScorePlugin> scores = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    private final int percentageOfNodesToScore;
    private Parallelizer parallelizer = Parallelizer.sequential();
    private int nextStartNodeIndex;
    /*
     * Scratch arrays of the last cycle, reused while the cluster's size stays the same: a
     * cycle would otherwise allocate a few bytes per node for each of them, for every pod.
     * Confined to the scheduling thread, as schedule() is.
     */
    private NodeInfo[] foundScratch = new NodeInfo[0];
    private Status[] rejectedScratch = new Status[0];
    private long[][] rawScratch = new long[0][0];
    private long[] totalScratch = new long[0];

    /** The result of one attempt: a node, or a {@link FitError}. */
    public record Result(String nodeName, int feasibleNodes, int evaluatedNodes, FitError fitError) {
        public boolean scheduled() {
            return nodeName != null;
        }
    }

    public Framework(int percentageOfNodesToScore) {
        this.percentageOfNodesToScore = percentageOfNodesToScore;
    }

    /**
     * Filter and score nodes with {@code p}'s workers (default: sequentially, on the calling
     * thread). Plugins' filter and score methods must then be safe to call concurrently for
     * different nodes; the in-tree ones only read the cycle state and the nodes.
     */
    public Framework parallelizer(Parallelizer p) {
        this.parallelizer = java.util.Objects.requireNonNull(p);
        return this;
    }

    public Framework preFilter(PreFilterPlugin p) {
        preFilters.add(p);
        return this;
    }

    public Framework filter(FilterPlugin p) {
        filters.add(p);
        return this;
    }

    public Framework preScore(PreScorePlugin p) {
        preScores.add(p);
        return this;
    }

    public Framework score(ScorePlugin p, int weight) {
        scores.add(p);
        weights.add(weight);
        return this;
    }

    /**
     * How many feasible nodes to find before scoring (kube-scheduler's adaptive
     * percentageOfNodesToScore: all below 100 nodes, else 50% minus 1% per 125 nodes,
     * at least 5% and at least 100 nodes).
     */
    int numFeasibleNodesToFind(int numAllNodes) {
        if (numAllNodes < 100 || percentageOfNodesToScore >= 100) {
            return numAllNodes;
        }
        int pct = percentageOfNodesToScore;
        if (pct <= 0) {
            pct = 50 - numAllNodes / 125;
            if (pct < 5) {
                pct = 5;
            }
        }
        int n = numAllNodes * pct / 100;
        return Math.max(n, 100);
    }

    public Result schedule(PodInfo pod, List<NodeInfo> nodes) {
        int n = nodes.size();
        if (n == 0) {
            return new Result(null, 0, 0, new FitError(0, Map.of(), Set.of(), ""));
        }
        CycleState state = new CycleState();
        Set<FilterPlugin> skipped = new HashSet<>();
        for (PreFilterPlugin p : preFilters) {
            Status s = p.preFilter(state, pod, nodes);
            if (s.isSkip() && p instanceof FilterPlugin fp) {
                skipped.add(fp);
            } else if (!s.isSuccess()) {
                return new Result(null, 0, n, new FitError(n, Map.of(), Set.of(p.name()), s.message()));
            }
        }
        int want = numFeasibleNodesToFind(n);
        List<FilterPlugin> kept = new ArrayList<>(filters.size());
        for (FilterPlugin f : filters) {
            if (!skipped.contains(f)) {
                kept.add(f);
            }
        }
        FilterPlugin[] active = kept.toArray(new FilterPlugin[0]);
        // kube's findNodesThatPassFilters: nodes checked in parallel from a rotating start
        // (so every node gets its turn across pods) until `want` feasible ones are found
        if (foundScratch.length < want) {
            foundScratch = new NodeInfo[want];
        }
        if (rejectedScratch.length < n) {
            rejectedScratch = new Status[n];
        }
        NodeInfo[] found = foundScratch; // only [0, foundCount) is read
        Status[] rejected = rejectedScratch; // all null: each use clears what it set
        AtomicInteger foundCount = new AtomicInteger();
        int start = nextStartNodeIndex % n;
        try {
            filterNodes(state, pod, nodes, active, start, want, found, rejected, foundCount);
        } catch (RuntimeException | Error e) {
            rejectedScratch = new Status[0]; // a filter failed midway: its statuses were not cleared
            throw e;
        }
        int feasibleCount = foundCount.get();
        List<NodeInfo> feasible = new ArrayList<>(feasibleCount);
        for (int i = 0; i < feasibleCount; i++) {
            feasible.add(found[i]);
        }
        // the rejections' reasons are only reported when no node fits; otherwise they are
        // only counted (a spread cycle rejects most of the nodes it checks, for every pod)
        Map<String, Integer> reasons = feasibleCount == 0 ? new HashMap<>() : null;
        Set<String> rejectors = feasibleCount == 0 ? new HashSet<>() : null;
        int processed = feasibleCount;
        for (int i = 0; i < n; i++) {
            Status failed = rejected[i];
            if (failed == null) {
                continue;
            }
            rejected[i] = null;
            processed++;
            if (reasons != null) {
                rejectors.add(failed.plugin());
                for (String r : failed.reasons()) {
                    reasons.merge(r, 1, Integer::sum);
                }
            }
        }
        nextStartNodeIndex = (start + processed) % n;
        if (feasible.isEmpty()) {
            return new Result(null, 0, processed, new FitError(n, reasons, rejectors, ""));
        }
        if (feasible.size() == 1) {
            return new Result(feasible.get(0).name(), 1, processed, null);
        }
        return new Result(selectHost(state, pod, feasible, nodes), feasible.size(), processed, null);
    }

    /** Runs the filters over nodes from {@code start} in parallel until {@code want} pass; fills found and rejected. */
    private void filterNodes(
            CycleState state,
            PodInfo pod,
            List<NodeInfo> nodes,
            FilterPlugin[] active,
            int start,
            int want,
            NodeInfo[] found,
            Status[] rejected,
            AtomicInteger foundCount) {
        int n = nodes.size();
        parallelizer.until(
                n,
                i -> {
                    NodeInfo node = nodes.get((start + i) % n);
                    Status failed = runFilters(state, pod, node, active);
                    if (failed != null) {
                        rejected[i] = failed;
                        return;
                    }
                    int len = foundCount.incrementAndGet();
                    if (len > want) {
                        foundCount.decrementAndGet();
                    } else {
                        found[len - 1] = node;
                    }
                },
                () -> foundCount.get() >= want);
    }

    /** The first filter that rejects {@code node}, or null if it passes all. */
    private static Status runFilters(CycleState state, PodInfo pod, NodeInfo node, FilterPlugin[] active) {
        for (FilterPlugin f : active) {
            Status s = f.filter(state, pod, node);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return null;
    }

    private String selectHost(CycleState state, PodInfo pod, List<NodeInfo> feasible, List<NodeInfo> all) {
        Set<ScorePlugin> skipped = new HashSet<>();
        for (PreScorePlugin p : preScores) {
            Status s = p.preScore(state, pod, feasible, all);
            if (s.isSkip() && p instanceof ScorePlugin sp) {
                skipped.add(sp);
            }
        }
        int k = 0;
        for (ScorePlugin p : scores) {
            if (!skipped.contains(p)) {
                k++;
            }
        }
        ScorePlugin[] active = new ScorePlugin[k];
        int[] activeWeights = new int[k];
        k = 0;
        for (int i = 0; i < scores.size(); i++) {
            if (!skipped.contains(scores.get(i))) {
                active[k] = scores.get(i);
                activeWeights[k++] = weights.get(i);
            }
        }
        int m = feasible.size();
        // plugins normalize raw[i] whole, so its rows are exactly m long; every score is written
        if (rawScratch.length < active.length || rawScratch.length == 0 || rawScratch[0].length != m) {
            rawScratch = new long[Math.max(active.length, scores.size())][m];
        }
        long[][] raw = rawScratch;
        // kube's prioritizeNodes: every plugin scores each node, nodes in parallel
        parallelizer.until(
                m,
                j -> {
                    NodeInfo node = feasible.get(j);
                    for (int i = 0; i < active.length; i++) {
                        raw[i][j] = active[i].score(state, pod, node);
                    }
                },
                () -> false);
        if (totalScratch.length != m) {
            totalScratch = new long[m];
        }
        long[] total = totalScratch;
        java.util.Arrays.fill(total, 0);
        for (int i = 0; i < active.length; i++) {
            active[i].normalize(state, pod, feasible, raw[i]);
            int w = activeWeights[i];
            for (int j = 0; j < m; j++) {
                total[j] += raw[i][j] * w;
            }
        }
        // highest score; ties broken uniformly at random (reservoir sampling), as kube-scheduler does
        int best = 0;
        int ties = 1;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int j = 1; j < total.length; j++) {
            if (total[j] > total[best]) {
                best = j;
                ties = 1;
            } else if (total[j] == total[best]) {
                ties++;
                if (rnd.nextInt(ties) == 0) {
                    best = j;
                }
            }
        }
        return feasible.get(best).name();
    }
}
