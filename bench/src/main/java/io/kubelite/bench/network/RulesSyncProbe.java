package io.kubelite.bench.network;

import io.kubelite.proxy.ProxyState;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Listens to a {@link ProxyState}'s syncs and tells when every served node's rules first
 * reflect an expected endpoint change. The check runs on the sync thread right after the
 * sync, so it sees exactly that sync's rules; the latency is taken when the sync reports,
 * before the (benchmark-only) check. Rule texts shared by several nodes are checked once.
 */
final class RulesSyncProbe implements ProxyState.SyncListener {
    private record Pending(ServiceFixture.Change change, long since, CompletableFuture<Long> done) {}

    private final ProxyState state;
    private final Set<String> nodes;
    private final List<ProxyState.SyncReport> reports = new ArrayList<>();
    private volatile Pending pending;

    RulesSyncProbe(ProxyState state, Set<String> nodes) {
        this.state = state;
        this.nodes = Set.copyOf(nodes);
        state.addSyncListener(this);
    }

    /** Expects {@code change} from now on; the future completes with nanoseconds until all nodes show it. */
    CompletableFuture<Long> expect(ServiceFixture.Change change) {
        Pending p = new Pending(change, System.nanoTime(), new CompletableFuture<>());
        pending = p;
        return p.done();
    }

    @Override
    public void synced(ProxyState.SyncReport report) {
        long now = System.nanoTime();
        synchronized (reports) {
            reports.add(report);
        }
        Pending p = pending;
        if (p != null && reflected(p.change())) {
            pending = null;
            p.done().complete(now - p.since());
        }
    }

    private boolean reflected(ServiceFixture.Change c) {
        Map<String, Boolean> checked = new IdentityHashMap<>();
        for (String node : nodes) {
            String rules = state.rules(node).orElse(null);
            if (rules == null) {
                return false;
            }
            if (checked.put(rules, Boolean.TRUE) != null) {
                continue;
            }
            for (String d : c.destinations()) {
                if (rules.contains("--to-destination " + d + "\n") != c.present()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every sync reported so far. */
    List<ProxyState.SyncReport> reports() {
        synchronized (reports) {
            return List.copyOf(reports);
        }
    }
}
