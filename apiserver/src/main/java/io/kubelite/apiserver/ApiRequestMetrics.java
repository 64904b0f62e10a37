package io.kubelite.apiserver;

import io.kubelite.store.runtime.KubeBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver's request metrics with its names and labels: {@code apiserver_request_total}
 * ({@code code} too) and {@code apiserver_request_duration_seconds} (kube's buckets, 5 ms to
 * 60 s; long-running WATCH and CONNECT requests are not timed), labelled {@code verb} (kube's
 * reported verb: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION, CONNECT),
 * {@code dry_run}, {@code group}, {@code version}, {@code resource}, {@code subresource},
 * {@code scope} ({@code resource}, {@code namespace}, {@code cluster}) and
 * {@code component="apiserver"}. Non-resource requests ({@code /api}, {@code /openapi/v2}, ...)
 * have empty resource labels.
 */
final class ApiRequestMetrics {
    /** The labels of one request. */
    record Labels(
            String verb,
            String dryRun,
            String group,
            String version,
            String resource,
            String subresource,
            String scope) {

        /** A resource request, from its path and method. */
        static Labels of(Request r, PathInfo info) {
            String verb = verb(r, info);
            String scope = info.name() != null
                    ? "resource"
                    : info.resource().namespaced() && info.namespace() != null ? "namespace" : "cluster";
            String dryRun = r.param("dryRun") == null ? "" : r.param("dryRun");
            return new Labels(
                    verb,
                    dryRun,
                    info.resource().group(),
                    info.resource().version(),
                    info.resource().plural(),
                    info.subresource() == null ? "" : info.subresource(),
                    scope);
        }

        /** {@code nodes/{name}/proxy}: a CONNECT, as kube reports proxy requests. */
        static Labels nodeProxy() {
            return new Labels("CONNECT", "", "", "v1", "nodes", "proxy", "resource");
        }

        /** {@code services/{id}/proxy}: a CONNECT, as kube reports proxy requests. */
        static Labels serviceProxy() {
            return new Labels("CONNECT", "", "", "v1", "services", "proxy", "resource");
        }

        /** A request that names no resource: only its method. */
        static Labels nonResource(Request r) {
            return new Labels(r.http().method().name(), "", "", "", "", "", "");
        }

        private static String verb(Request r, PathInfo info) {
            HttpMethod m = r.http().method();
            if (RequestVerb.isStream(info.subresource())) {
                return "CONNECT";
            }
            if (m == HttpMethod.GET) {
                if (info.legacyWatch() || QueryOptions.isWatch(r.http())) {
                    return "WATCH";
                }
                return info.name() == null ? "LIST" : "GET";
            }
            if (m == HttpMethod.PATCH) {
                String type = r.http().getHeader("Content-Type");
                return type != null && type.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
            }
            if (m == HttpMethod.DELETE && info.name() == null) {
                return "DELETECOLLECTION";
            }
            return m.name();
        }
    }

    private static final Duration[] BUCKETS = KubeBuckets.requestLatency();

    private final MeterRegistry registry;

    ApiRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One answered request: {@code code} after {@code nanos}. */
    void record(Labels l, int code, long nanos) {
        Counter.builder("apiserver_request_total")
                .description("Counter of apiserver requests broken out for each verb, dry run value, group, version,"
                        + " resource, scope, component, and HTTP response code.")
                .tags(tags(l))
                .tag("code", Integer.toString(code))
                .register(registry)
                .increment();
        if (!l.verb().equals("WATCH") && !l.verb().equals("CONNECT")) {
            Timer.builder("apiserver_request_duration")
                    .description("Response latency distribution in seconds for each verb, dry run value, group,"
                            + " version, resource, subresource, scope and component.")
                    .tags(tags(l))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static String[] tags(Labels l) {
        return new String[] {
            "component", "apiserver",
            "dry_run", l.dryRun(),
            "group", l.group(),
            "resource", l.resource(),
            "scope", l.scope(),
            "subresource", l.subresource(),
            "verb", l.verb(),
            "version", l.version()
        };
    }
}
