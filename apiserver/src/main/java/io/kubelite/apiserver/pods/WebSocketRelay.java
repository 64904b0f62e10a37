package io.kubelite.apiserver.pods;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins two WebSockets (the kubelet's and then the client's) message for message, in both
 * directions, as kube-apiserver's upgrade-aware proxy joins the two connections: binary
 * messages pass unchanged (the channel byte included), a full write queue pauses the
 * other side until it drains, and a close on one side closes the other with the same code
 * and reason.
 *
 * <p>The kubelet side is connected first (so its refusals can still be answered as HTTP)
 * and may say everything and close before the client's upgrade completes — a short
 * command does — so what it sends meanwhile is held here and delivered, close included,
 * once the client is {@link #attach attached}. Text messages pass as text (a service's backend,
 * e.g. the log store's tail, through the {@code services/proxy} subresource).
 */
public final class WebSocketRelay {
    /** How long held output waits after the client's upgrade (see {@link #attach}). */
    static final long HELD_DELAY_MS = 100;

    private final WebSocketBase kubelet;
    /** Buffers (binary messages) and Strings (text messages), in the order they came. */
    private final List<Object> held = new ArrayList<>();

    private WebSocketBase client;
    private Short kubeletClose;
    private String kubeletReason;

    /** Starts reading the kubelet's (the backend's) side at once. */
    public WebSocketRelay(WebSocketBase kubelet) {
        this.kubelet = kubelet;
        kubelet.binaryMessageHandler(this::fromKubelet);
        kubelet.textMessageHandler(this::fromKubelet);
        kubelet.closeHandler(v -> kubeletClosed(kubelet.closeStatusCode(), kubelet.closeReason()));
        kubelet.exceptionHandler(e -> kubeletClosed((short) 1011, "proxy error"));
    }

    /**
     * The client's side is upgraded: delivers what was held and forwards both ways from now on.
     * What the kubelet said before the upgrade completed is delivered {@link #HELD_DELAY_MS} later:
     * client-go (kubectl exec) starts reading as soon as its upgrade completes but registers its
     * stdout/stderr/error streams a moment after, and discards ("Unknown stream id") what comes
     * for a stream it has not registered yet. A real container's first output never beats that
     * registration; a simulated command's held output, written in the same instant, can.
     */
    public void attach(WebSocketBase c) {
        boolean anyHeld;
        synchronized (this) {
            anyHeld = !held.isEmpty();
        }
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        if (anyHeld && ctx != null) {
            ctx.owner().setTimer(HELD_DELAY_MS, id -> attachNow(c));
        } else {
            attachNow(c);
        }
    }

    private void attachNow(WebSocketBase c) {
        if (c.isClosed()) {
            closeQuietly(kubelet, (short) 1001, "client gone");
            return;
        }
        List<Object> pending;
        Short close;
        synchronized (this) {
            client = c;
            pending = new ArrayList<>(held);
            held.clear();
            close = kubeletClose;
        }
        pending.forEach(m -> write(c, m));
        if (close != null) {
            closeQuietly(c, close, kubeletReason);
            return;
        }
        c.binaryMessageHandler(m -> toKubelet(c, m));
        c.textMessageHandler(m -> toKubelet(c, m));
        c.closeHandler(v -> closeQuietly(kubelet, code(c.closeStatusCode()), c.closeReason()));
        c.exceptionHandler(e -> closeQuietly(kubelet, (short) 1011, "proxy error"));
    }

    /** The client went away before its upgrade completed. */
    public void abandon() {
        closeQuietly(kubelet, (short) 1001, "client gone");
    }

    private void toKubelet(WebSocketBase c, Object m) {
        if (!kubelet.isClosed()) {
            write(kubelet, m);
            backPressure(c, kubelet);
        }
    }

    /** {@code m} as the kind of message it came as. */
    private static void write(WebSocketBase to, Object m) {
        if (m instanceof Buffer b) {
            to.writeBinaryMessage(b);
        } else {
            to.writeTextMessage((String) m);
        }
    }

    private void fromKubelet(Object m) {
        WebSocketBase c;
        synchronized (this) {
            c = client;
            if (c == null) {
                held.add(m);
                return;
            }
        }
        if (!c.isClosed()) {
            write(c, m);
            backPressure(kubelet, c);
        }
    }

    private void kubeletClosed(Short code, String reason) {
        WebSocketBase c;
        synchronized (this) {
            if (kubeletClose != null) {
                return;
            }
            kubeletClose = code(code);
            kubeletReason = reason;
            c = client;
        }
        if (c != null) {
            closeQuietly(c, kubeletClose, reason);
        }
    }

    /** 1005 (no code) and 1006 (dropped) are never sent on the wire. */
    private static short code(Short code) {
        return code == null || code == 1005 ? 1000 : code == 1006 ? 1011 : code;
    }

    private static void closeQuietly(WebSocketBase ws, short code, String reason) {
        if (!ws.isClosed()) {
            ws.close(code, reason == null ? "" : reason);
        }
    }

    private static void backPressure(WebSocketBase from, WebSocketBase to) {
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }
}
