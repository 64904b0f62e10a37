package io.kubelite.store.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free 127.0.0.1 ports for servers we start, chosen below Linux's ephemeral range
 * (32768–60999). A port the kernel hands out for {@code bind(0)} is an ephemeral one, and
 * the very same numbers are used as local ports of outgoing connections: a port picked that
 * way and bound a moment later by an etcd (or re-bound after the etcd restarts) can meanwhile
 * be taken by some client's connection. Ports below that range are never used that way.
 */
public final class LoopbackPorts {
    private static final int LOW = 12000;
    private static final int HIGH = 32000;

    private LoopbackPorts() {}

    /** Whether {@code port} could be bound on 127.0.0.1 just now (a well-known default a launcher prefers). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    /** A port in [12000, 32000) that could be bound on 127.0.0.1 just now. */
    public static int free() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            int port = LOW + r.nextInt(HIGH - LOW);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException busy) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free 127.0.0.1 port in [" + LOW + ", " + HIGH + ") after 200 tries");
    }
}
