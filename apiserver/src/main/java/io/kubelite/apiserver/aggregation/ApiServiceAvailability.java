package io.kubelite.apiserver.aggregation;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.kubelite.api.APIService;
import io.kubelite.api.APIServiceCondition;
import io.kubelite.apiserver.WatchCache;
import io.kubelite.apiserver.WatchChange;
import io.kubelite.kinds.apiregistration.apiservice.APIServiceKind;
import io.kubelite.kinds.apiregistration.apiservice.BackendResolver;
import io.kubelite.store.ObjectStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-aggregator's available controller: every {@code interval}, and shortly after any APIService,
 * Service or EndpointSlice change, checks each APIService and sets its {@code Available} condition:
 * a local one is always available (reason {@code Local}); a remote one is unavailable when its
 * Service is missing or not listening on the port ({@code ServiceNotFound},
 * {@code ServicePortError}), its endpoints are missing or none is ready on the port
 * ({@code EndpointsNotFound}, {@code MissingEndpoints}) or the discovery GET of
 * {@code /apis/<group>/<version>} fails ({@code FailedDiscoveryCheck}, kube's message; also when
 * the only endpoints are simulated pod IPs, which kubelite never sends to), else available
 * ({@code Passed}, "all checks passed"). The resources the backend listed go to
 * {@link AggregatedApis} for discovery.
 *
 * <p>The condition is written only when its status, reason or message changes, by a
 * revision-checked read-modify-write, so API server replicas that agree write it once. Runs on one
 * Vert.x context; never blocks it.
 */
public final class ApiServiceAvailability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServiceAvailability.class);
    /** Changes coming in bursts (a rollout's EndpointSlices) are checked once. */
    private static final long DEBOUNCE_MILLIS = 200;

    private final Vertx vertx;
    private final ObjectStore<APIService> store;
    private final WatchCache<APIService> apiServices;
    private final WatchCache<io.kubelite.api.Service> services;
    private final WatchCache<io.kubelite.api.discovery.EndpointSlice> slices;
    private final BackendResolver resolver;
    private final BackendClients clients;
    private final AggregatedApis apis;
    private final Duration interval;
    private final List<Runnable> unwatch = new ArrayList<>();
    private volatile Context context;
    private long timer = -1;
    /** A check is scheduled: changes until it runs are coalesced into it (a cache may deliver thousands). */
    private final java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();

    private boolean running;
    private boolean again;
    private volatile boolean closed;

    public ApiServiceAvailability(
            Vertx vertx,
            ObjectStore<APIService> store,
            WatchCache<APIService> apiServices,
            WatchCache<io.kubelite.api.Service> services,
            WatchCache<io.kubelite.api.discovery.EndpointSlice> slices,
            AggregatedApis apis,
            Duration interval) {
        this.vertx = vertx;
        this.store = store;
        this.apiServices = apiServices;
        this.resolver = new BackendResolver(new BackendResolver.Lookup() {
            @Override
            public io.kubelite.api.Service service(String namespace, String name) {
                WatchCache.Entry<io.kubelite.api.Service> e = services.get(namespace, name);
                return e == null ? null : e.object();
            }

            @Override
            public java.util.List<io.kubelite.api.discovery.EndpointSlice> slices(String namespace) {
                return slices.snapshot(namespace).entries().stream()
                        .map(WatchCache.Entry::object)
                        .toList();
            }
        });
        this.clients = new BackendClients(vertx);
        this.apis = apis;
        this.interval = interval;
        this.services = services;
        this.slices = slices;
    }

    /** The clients the proxy shares (one TLS configuration per APIService). */
    BackendClients clients() {
        return clients;
    }

    BackendResolver resolver() {
        return resolver;
    }

    public void start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            timer = vertx.setPeriodic(interval.toMillis(), id -> runAll());
            poke();
        });
        unwatch.add(apiServices.watch(-1, new Poke<>()));
        unwatch.add(services.watch(-1, new Poke<>()));
        unwatch.add(slices.watch(-1, new Poke<>()));
    }

    /** Any change may change an APIService's availability: check soon (called under the cache's lock: only schedules). */
    private final class Poke<T extends Message> implements WatchCache.Sink<T> {
        @Override
        public void change(WatchChange<T> c) {
            poke();
        }

        @Override
        public void bookmark(long revision) {}

        @Override
        public void expired(String message) {}
    }

    private void poke() {
        Context c = context;
        if (closed || c == null || !scheduled.compareAndSet(false, true)) {
            return;
        }
        c.runOnContext(v -> vertx.setTimer(DEBOUNCE_MILLIS, id -> {
            scheduled.set(false);
            runAll();
        }));
    }

    private void runAll() {
        if (closed || !apiServices.hasSynced()) {
            return;
        }
        if (running) {
            again = true;
            return;
        }
        running = true;
        List<WatchCache.Entry<APIService>> all = apiServices.snapshot(null).entries();
        Set<String> names = new HashSet<>();
        List<Future<Void>> checks = new ArrayList<>();
        for (WatchCache.Entry<APIService> e : all) {
            names.add(e.object().getMetadata().getName());
            checks.add(check(e.object()));
        }
        apis.retain(names);
        clients.retain(names);
        Future.join(checks).onComplete(ar -> {
            running = false;
            if (again) {
                again = false;
                runAll();
            }
        });
    }

    private Future<Void> check(APIService a) {
        String name = a.getMetadata().getName();
        if (APIServiceKind.isLocal(a)) {
            return record(a, "True", LocalApiServices.LOCAL_REASON, LocalApiServices.LOCAL_MESSAGE);
        }
        BackendResolver.Backend b = resolver.resolve(a);
        if (!b.found()) {
            apis.unavailable(name);
            return record(a, "False", b.reason(), b.message());
        }
        String url =
                b.url() + "/apis/" + a.getSpec().getGroup() + "/" + a.getSpec().getVersion();
        if (!b.loopback()) {
            apis.unavailable(name);
            return record(
                    a,
                    "False",
                    "FailedDiscoveryCheck",
                    "failing or missing response from " + url + ": endpoint " + b.address()
                            + " is a simulated pod IP; kubelite sends requests to loopback endpoints only");
        }
        return DiscoveryCheck.run(clients.client(a), a, b, url).compose(outcome -> {
            if (outcome.failure() != null) {
                apis.unavailable(name);
                return record(a, "False", "FailedDiscoveryCheck", outcome.failure());
            }
            apis.available(a, outcome.resources());
            return record(a, "True", "Passed", "all checks passed");
        });
    }

    /** Writes the Available condition when it differs from the one {@code seen} holds. */
    private Future<Void> record(APIService seen, String status, String reason, String message) {
        if (!differs(seen, status, reason, message)) {
            return Future.succeededFuture();
        }
        String name = seen.getMetadata().getName();
        Promise<Void> done = Promise.promise();
        // whether the last attempt changed anything: another replica may have written it first
        java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
        store.guaranteedUpdate(null, name, cur -> {
                    APIService next = withCondition(cur, status, reason, message);
                    changed.set(next != cur);
                    return next;
                })
                .whenComplete((v, err) -> {
                    if (err != null) {
                        // gone, or etcd away: the next round looks again
                        LOG.debug("apiservice {}: status not written: {}", name, err.toString());
                    } else if (changed.get()) {
                        LOG.info("apiservice {} Available={} reason={}: {}", name, status, reason, message);
                    }
                    done.complete();
                });
        return done.future();
    }

    private static boolean differs(APIService a, String status, String reason, String message) {
        return APIServiceKind.availableCondition(a)
                .map(c -> !c.getStatus().equals(status)
                        || !c.getReason().equals(reason)
                        || !c.getMessage().equals(message))
                .orElse(true);
    }

    /** {@code a} with the condition set; the transition time moves only when the status does. */
    static APIService withCondition(APIService a, String status, String reason, String message) {
        if (!differs(a, status, reason, message)) {
            return a;
        }
        var old = APIServiceKind.availableCondition(a);
        Timestamp since = old.isPresent() && old.get().getStatus().equals(status)
                ? old.get().getLastTransitionTime()
                : Timestamp.newBuilder()
                        .setSeconds(java.time.Instant.now().getEpochSecond())
                        .build();
        APIServiceCondition c = APIServiceCondition.newBuilder()
                .setType(APIServiceKind.AVAILABLE)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastTransitionTime(since)
                .build();
        APIService.Builder b = a.toBuilder();
        var conditions = b.getStatusBuilder();
        for (int i = 0; i < conditions.getConditionsCount(); i++) {
            if (conditions.getConditions(i).getType().equals(APIServiceKind.AVAILABLE)) {
                conditions.setConditions(i, c);
                return b.build();
            }
        }
        conditions.addConditions(c);
        return b.build();
    }

    @Override
    public void close() {
        closed = true;
        unwatch.forEach(Runnable::run);
        if (context != null) {
            context.runOnContext(v -> {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
            });
        }
        clients.close();
    }
}
