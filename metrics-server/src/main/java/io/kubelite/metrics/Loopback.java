package io.kubelite.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Literal loopback IPs (127.0.0.0/8, ::1); names are never resolved, so nothing leaves the host. */
final class Loopback {
    private Loopback() {}

    static boolean is(String address) {
        if (address == null
                || !(address.matches("[0-9.]+") || address.matches("[0-9a-fA-F:]+") && address.contains(":"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
