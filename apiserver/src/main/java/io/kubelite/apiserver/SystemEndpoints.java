package io.kubelite.apiserver;

import io.kubelite.apiserver.authentication.ServiceAccountIssuerDiscovery;
import io.kubelite.apiserver.authentication.ServiceAccountIssuing;
import io.kubelite.apiserver.authorization.Authorizer;
import io.kubelite.apiserver.authorization.Forbidden;
import io.kubelite.apiserver.openapi.LiveOpenApiDocuments;
import io.kubelite.apiserver.openapi.OpenApiEndpoint;
import io.kubelite.store.runtime.ReadinessChecks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The paths that name no resource: {@code /healthz}, {@code /livez}, {@code /readyz},
 * {@code /metrics}, {@code /version}, OpenAPI ({@code /openapi/v2}, {@code /openapi/v3[/...]},
 * see {@link OpenApiEndpoint}) and discovery ({@code /api}, {@code /apis},
 * {@code /apis/<group>[/<version>]}, {@code /api/v1} is a resource path's parent and
 * answered by discovery too), and service account issuer discovery
 * ({@link ServiceAccountIssuerDiscovery}) when an https issuer and keys are configured.
 */
final class SystemEndpoints {
    private final HandlerContext ctx;
    private final MeterRegistry registry;
    private final ReadinessChecks readiness;
    private final BooleanSupplier closing;
    private final Discovery discovery;
    private final OpenApiEndpoint openapi;
    private final ServiceAccountIssuerDiscovery issuerDiscovery;

    SystemEndpoints(
            HandlerContext ctx,
            MeterRegistry registry,
            ReadinessChecks readiness,
            BooleanSupplier closing,
            LiveOpenApiDocuments openapi,
            java.util.function.Supplier<String> serverUrl) {
        this.openapi = new OpenApiEndpoint(openapi::current);
        this.discovery = new Discovery(ctx.kinds(), ctx.aggregated());
        this.ctx = ctx;
        this.registry = registry;
        this.readiness = readiness;
        this.closing = closing;
        ServiceAccountIssuing issuing = ctx.serviceAccountIssuing();
        this.issuerDiscovery = issuing != null && issuing.servesDiscovery()
                ? new ServiceAccountIssuerDiscovery(issuing, serverUrl)
                : null;
    }

    /**
     * Answers {@code path} when it is one of these endpoints (403 when the caller may not
     * {@code get} it, as kube authorizes non-resource URLs); false when it is not.
     */
    boolean serve(Request r, String path) {
        if (!isSystemPath(path)) {
            return false;
        }
        Forbidden.unlessAllowed(
                ctx.authorizer(),
                r.user(),
                Authorizer.Attributes.nonResource(r.http().method().name().toLowerCase(Locale.ROOT), path));
        switch (path) {
            case "/healthz", "/livez" -> r.text(200, "ok");
            case "/readyz" -> readyz(r);
            case "/metrics" -> r.text(200, registry instanceof PrometheusMeterRegistry p ? p.scrape() : "");
            case "/version" -> r.json(200, discovery.version());
            default -> {
                if (issuerDiscovery != null && issuerDiscovery.serve(r, path)) {
                    return true;
                }
                if (path.startsWith("/openapi/")) {
                    return openapi.serve(r, path);
                }
                if (!isDiscovery(path)) {
                    return false;
                }
                // what a client created a moment ago (a CRD) is in the answer, whichever replica it asks
                ctx.kindsCurrent().whenComplete((v, err) -> r.onContext(() -> discovery.serve(r, path)));
            }
        }
        return true;
    }

    private static boolean isSystemPath(String path) {
        return switch (path) {
            case "/healthz", "/livez", "/readyz", "/metrics", "/version" -> true;
            // service-account issuer discovery (kube's ServiceAccountIssuerDiscovery), when served
            case "/.well-known/openid-configuration", "/openid/v1/jwks" -> true;
            default -> path.startsWith("/openapi/") || isDiscovery(path);
        };
    }

    private static boolean isDiscovery(String path) {
        return path.equals("/api")
                || path.equals("/apis")
                || (path.startsWith("/api") && countSlashes(path) <= 3 && !path.startsWith("/api/v1/"));
    }

    private static int countSlashes(String p) {
        int n = 0;
        for (char c : p.toCharArray()) {
            if (c == '/') {
                n++;
            }
        }
        return n;
    }

    /** Evaluated on a worker thread: a readiness check may block. */
    private void readyz(Request r) {
        ctx.vertx()
                .<ReadinessChecks.Report>executeBlocking(readiness::evaluate, false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        r.text(500, "readyz check failed");
                        return;
                    }
                    StringBuilder b = new StringBuilder();
                    for (ReadinessChecks.Status s : ar.result().statuses()) {
                        b.append(s.ok() ? "[+]" : "[-]")
                                .append(s.name())
                                .append(s.ok() ? " ok" : " failed")
                                .append('\n');
                    }
                    boolean ok = ar.result().ready() && !closing.getAsBoolean();
                    b.append(ok ? "readyz check passed" : "readyz check failed").append('\n');
                    r.text(ok ? 200 : 500, b.toString());
                });
    }
}
