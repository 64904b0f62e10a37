package io.kubelite.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.cli.ApiServerConnection;
import io.kubelite.store.runtime.DurationConverter;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Installs kubelite's add-on objects through the API server, as kubeadm's {@code addon}
 * phase does: the kube-dns Service ({@link KubeDnsService}) and metrics-server's Service and
 * APIService ({@link MetricsServerAddon}), created or updated by server-side apply with field
 * manager {@code kubelite-addons}. Idempotent: applying the same
 * configuration again changes nothing (the Service keeps its resourceVersion).
 *
 * <p>Waits, up to its timeout, until the API server answers {@code /readyz} and namespace
 * {@code kube-system} exists (the controller-manager makes it). Refuses, rather than letting
 * the allocator say it less clearly, when the cluster DNS IP is another Service's.
 */
final class ClusterAddons {
    static final String FIELD_MANAGER = "kubelite-addons";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Duration POLL = Duration.ofMillis(250);

    /** What an apply did, in kubectl's words. */
    enum Outcome {
        CREATED("created"),
        CONFIGURED("configured"),
        UNCHANGED("unchanged");

        final String word;

        Outcome(String word) {
            this.word = word;
        }
    }

    private final ApiServerConnection api;
    private final Duration timeout;

    ClusterAddons(ApiServerConnection api, Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    /** {@code a.b.c.d}; the cluster DNS IP must be one (kubelite's Services are IPv4). */
    static boolean isIpv4(String s) {
        return s != null && IPV4.matcher(s).matches();
    }

    /** Waits for the API server, then applies the kube-dns Service with cluster IP {@code ip}. */
    Outcome installKubeDns(String ip) throws AddonsException {
        if (!isIpv4(ip)) {
            throw new AddonsException("--cluster-dns-ip must be an IPv4 address, got \"" + ip + "\"");
        }
        awaitApiServer();
        String before = resourceVersion(get(KubeDnsService.PATH));
        String taken = holderOf(ip);
        if (taken != null) {
            throw new AddonsException(ip + " is already the cluster IP of Service " + taken
                    + "; delete that Service or choose another --cluster-dns-ip");
        }
        // forced: the add-on's fields are the add-on's (addon-manager's Reconcile mode); a user's
        // kubectl edit of a port would otherwise make every later up fail with a conflict
        ApiServerConnection.Response r = send(
                "PATCH",
                KubeDnsService.PATH + "?fieldManager=" + FIELD_MANAGER + "&force=true",
                KubeDnsService.manifest(ip));
        if (!r.ok()) {
            throw new AddonsException("applying Service " + KubeDnsService.NAMESPACE + "/" + KubeDnsService.NAME
                    + " failed: " + message(r));
        }
        String after = resourceVersion(r);
        Outcome o = before == null ? Outcome.CREATED : before.equals(after) ? Outcome.UNCHANGED : Outcome.CONFIGURED;
        return o; // the caller prints it, kubectl's way
    }

    /** What applying metrics-server's two objects did. */
    record MetricsServerOutcome(Outcome service, Outcome apiService) {}

    /**
     * Waits for the API server, then applies metrics-server's Service and APIService
     * ({@link MetricsServerAddon}), forced as the kube-dns Service is.
     */
    MetricsServerOutcome installMetricsServer() throws AddonsException {
        awaitApiServer();
        Outcome svc = apply(
                MetricsServerAddon.SERVICE_PATH,
                MetricsServerAddon.service(),
                "Service " + MetricsServerAddon.NAMESPACE + "/" + MetricsServerAddon.NAME);
        Outcome api = apply(
                MetricsServerAddon.API_SERVICE_PATH,
                MetricsServerAddon.apiService(),
                "APIService " + MetricsServerAddon.API_SERVICE);
        return new MetricsServerOutcome(svc, api);
    }

    /** Service kube-system/log-store, to the log-store mirror pod's named port {@code http}. */
    Outcome installLogStore() throws AddonsException {
        awaitApiServer();
        return apply(
                LogStoreAddon.SERVICE_PATH,
                LogStoreAddon.service(),
                "Service " + LogStoreAddon.NAMESPACE + "/" + LogStoreAddon.NAME);
    }

    /** Service kube-system/kubelite-dashboard, to the dashboard mirror pod's named port {@code http}. */
    Outcome installDashboard() throws AddonsException {
        awaitApiServer();
        return apply(
                DashboardAddon.SERVICE_PATH,
                DashboardAddon.service(),
                "Service " + AddonService.NAMESPACE + "/" + DashboardAddon.NAME);
    }

    /** Server-side apply of {@code body} at {@code path}, forced, as field manager {@link #FIELD_MANAGER}. */
    private Outcome apply(String path, String body, String what) throws AddonsException {
        ApiServerConnection.Response cur = get(path);
        if (!cur.ok() && cur.code() != 404) {
            throw new AddonsException("reading " + what + " failed: " + message(cur));
        }
        String before = cur.code() == 404
                ? null
                : json(cur).path("metadata").path("resourceVersion").asText();
        ApiServerConnection.Response r = send("PATCH", path + "?fieldManager=" + FIELD_MANAGER + "&force=true", body);
        if (!r.ok()) {
            throw new AddonsException("applying " + what + " failed: " + message(r));
        }
        String after = json(r).path("metadata").path("resourceVersion").asText();
        return before == null ? Outcome.CREATED : before.equals(after) ? Outcome.UNCHANGED : Outcome.CONFIGURED;
    }

    /**
     * Polls until {@code /readyz} answers 200 and kube-system exists; a refused connection or
     * a not-yet-ready answer is waited out, anything else after the deadline is reported.
     */
    private void awaitApiServer() throws AddonsException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                ApiServerConnection.Response ready = api.get("/readyz");
                if (ready.code() == 200) {
                    ApiServerConnection.Response ns = api.get("/api/v1/namespaces/" + KubeDnsService.NAMESPACE);
                    if (ns.ok()) {
                        return;
                    }
                    last = "namespace " + KubeDnsService.NAMESPACE + ": " + message(ns);
                } else if (ready.code() == 401 || ready.code() == 403) {
                    throw new AddonsException("the API server at " + api.server() + " refused the kubeconfig's"
                            + " credentials (" + ready.code() + "): " + message(ready));
                } else {
                    last = "/readyz answered " + ready.code();
                }
            } catch (IOException e) {
                last = transportFailure(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AddonsException("the API server at " + api.server() + " did not become ready within "
                        + DurationConverter.format(timeout) + " (last: " + last + ")");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AddonsException("interrupted while waiting for the API server");
            }
        }
    }

    /** A transport failure in words: the JDK's client often throws them without a message. */
    static String transportFailure(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() == null ? "connection failed" : e.getMessage();
    }

    /** {@code namespace/name} of a Service other than kube-dns whose cluster IP is {@code ip}, else null. */
    private String holderOf(String ip) throws AddonsException {
        ApiServerConnection.Response r = get("/api/v1/services");
        if (!r.ok()) {
            throw new AddonsException("listing Services failed: " + message(r));
        }
        for (JsonNode s : json(r).path("items")) {
            JsonNode meta = s.path("metadata");
            String id =
                    meta.path("namespace").asText() + "/" + meta.path("name").asText();
            if (id.equals(KubeDnsService.NAMESPACE + "/" + KubeDnsService.NAME)) {
                continue;
            }
            boolean holds = ip.equals(s.path("spec").path("clusterIP").asText());
            for (JsonNode c : s.path("spec").path("clusterIPs")) {
                holds |= ip.equals(c.asText());
            }
            if (holds) {
                return id;
            }
        }
        return null;
    }

    private ApiServerConnection.Response get(String path) throws AddonsException {
        return send("GET", path, null);
    }

    private ApiServerConnection.Response send(String method, String path, String body) throws AddonsException {
        try {
            return body == null ? api.get(path) : api.send(method, path, "application/apply-patch+yaml", body);
        } catch (IOException e) {
            throw new AddonsException("the API server at " + api.server() + " failed: " + e.getMessage());
        }
    }

    /** The object's resourceVersion, or null for a 404. */
    private static String resourceVersion(ApiServerConnection.Response r) throws AddonsException {
        if (r.code() == 404) {
            return null;
        }
        if (!r.ok()) {
            throw new AddonsException("reading Service " + KubeDnsService.NAMESPACE + "/" + KubeDnsService.NAME
                    + " failed: " + message(r));
        }
        return json(r).path("metadata").path("resourceVersion").asText();
    }

    private static JsonNode json(ApiServerConnection.Response r) throws AddonsException {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AddonsException("the API server answered invalid JSON: " + e.getMessage());
        }
    }

    /** A Status answer's message, else the status code and the start of the body. */
    private static String message(ApiServerConnection.Response r) {
        try {
            String m = JSON.readTree(r.body()).path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException ignored) {
            // not JSON: show the raw start below
        }
        String body = r.body() == null ? "" : r.body().strip();
        return "HTTP " + r.code() + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(200, body.length())));
    }
}
