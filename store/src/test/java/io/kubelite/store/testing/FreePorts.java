package io.kubelite.store.testing;

import io.kubelite.store.local.LoopbackPorts;

/** Picks free loopback ports for test servers, outside the ephemeral range (see {@link LoopbackPorts}). */
public final class FreePorts {
    private FreePorts() {}

    public static int next() {
        return LoopbackPorts.free();
    }
}
