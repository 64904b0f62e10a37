package io.kubelite.apiserver.pods;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP side of a SPDY exec or attach, checked as kube's {@code httpstream.Handshake} and
 * SPDY response upgrader check it: {@code Connection: Upgrade}, {@code Upgrade: SPDY/3.1},
 * and {@code X-Stream-Protocol-Version} (one header per version, or comma-separated), the
 * client's order deciding among {@link SpdyStreamProtocol#SERVED}. A client offering none
 * of them gets 403 with the versions served in {@code X-Accepted-Stream-Protocol-Versions}.
 */
final class SpdyHandshake {
    static final String UPGRADE = "SPDY/3.1";
    static final String PROTOCOL_VERSION = "X-Stream-Protocol-Version";
    static final String ACCEPTED_VERSIONS = "X-Accepted-Stream-Protocol-Versions";

    /** The version to answer 101 with, or the refusal: its status and plain-text message. */
    record Outcome(SpdyStreamProtocol protocol, int status, String message) {
        static Outcome refused(int status, String message) {
            return new Outcome(null, status, message);
        }

        boolean accepted() {
            return protocol != null;
        }
    }

    private SpdyHandshake() {}

    /** Whether the request asks for a connection upgrade at all ({@code Connection: Upgrade}). */
    static boolean isUpgrade(HttpServerRequest req) {
        for (String h : req.headers().getAll("Connection")) {
            if (h.toLowerCase(Locale.ROOT).contains("upgrade")) {
                return true;
            }
        }
        return false;
    }

    /** Checks an upgrade request that is no WebSocket: SPDY/3.1 and a version both sides speak. */
    static Outcome negotiate(HttpServerRequest req) {
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase(UPGRADE)) {
            return Outcome.refused(
                    400,
                    "unable to upgrade: exec and attach are served over WebSocket (GET, subprotocol "
                            + String.join(" or ", PodExecProxy.SUBPROTOCOLS) + ") or " + UPGRADE + ", not Upgrade: "
                            + (upgrade == null ? "(none)" : upgrade.trim()));
        }
        List<String> offered = new ArrayList<>();
        for (String h : req.headers().getAll(PROTOCOL_VERSION)) {
            for (String p : h.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        if (offered.isEmpty()) {
            return Outcome.refused(400, "unable to upgrade: " + PROTOCOL_VERSION + " is required");
        }
        for (String p : offered) {
            var served = SpdyStreamProtocol.named(p);
            if (served.isPresent()) {
                return new Outcome(served.get(), 101, null);
            }
        }
        return Outcome.refused(
                403,
                "unable to upgrade: unable to negotiate protocol: client supports [" + String.join(" ", offered)
                        + "], server accepts ["
                        + String.join(
                                " ",
                                SpdyStreamProtocol.SERVED.stream()
                                        .map(SpdyStreamProtocol::header)
                                        .toList())
                        + "]");
    }
}
