package io.kubelite.apiserver.pods;

import java.util.List;
import java.util.Optional;

/**
 * The remote-command protocol versions served over SPDY ({@code X-Stream-Protocol-Version}),
 * in the kubelet's order. They differ only in the {@code error} stream and the {@code resize}
 * stream: from v4 the error stream carries a {@code metav1.Status} as JSON (with the exit
 * code), before it the Status's message as plain text and nothing on success; from v3 a
 * terminal has a {@code resize} stream. Over SPDY v5 is v4 (its close signal is a
 * WebSocket matter), as the kubelet treats it.
 */
enum SpdyStreamProtocol {
    V5("v5.channel.k8s.io", true, true),
    V4("v4.channel.k8s.io", true, true),
    V3("v3.channel.k8s.io", false, true),
    V2("v2.channel.k8s.io", false, false),
    V1("channel.k8s.io", false, false);

    /** Every version, newest first: what {@code X-Accepted-Stream-Protocol-Versions} lists. */
    static final List<SpdyStreamProtocol> SERVED = List.of(values());

    private final String header;
    private final boolean jsonStatus;
    private final boolean resize;

    SpdyStreamProtocol(String header, boolean jsonStatus, boolean resize) {
        this.header = header;
        this.jsonStatus = jsonStatus;
        this.resize = resize;
    }

    /** The name on the wire, {@code v4.channel.k8s.io}. */
    String header() {
        return header;
    }

    /** Whether the error stream carries the whole Status as JSON (v4, v5). */
    boolean jsonStatus() {
        return jsonStatus;
    }

    /** Whether a terminal session has a resize stream (v3 and later). */
    boolean resize() {
        return resize;
    }

    static Optional<SpdyStreamProtocol> named(String header) {
        return SERVED.stream().filter(p -> p.header.equals(header)).findFirst();
    }
}
