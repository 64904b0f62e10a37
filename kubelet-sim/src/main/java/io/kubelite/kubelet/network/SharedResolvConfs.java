package io.kubelite.kubelet.network;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each distinct resolver configuration and of its rendered file: the pods of a
 * namespace all get the same {@code /etc/resolv.conf}, so 100,000 pods need a handful of copies,
 * not 100,000. Holds at most {@link #MAX} distinct ones (pods' own dnsConfig can make each
 * distinct); past that, new ones are rendered per container, as before. Thread-safe.
 */
final class SharedResolvConfs {
    static final int MAX = 4096;

    private record Rendered(ResolvConf conf, byte[] file) {}

    private final Map<ResolvConf, Rendered> byConf = new ConcurrentHashMap<>();

    /** The shared instance equal to {@code conf}. */
    ResolvConf canonical(ResolvConf conf) {
        return rendered(conf).conf();
    }

    /** {@code conf} as {@code /etc/resolv.conf} holds it; the caller never changes the array. */
    byte[] file(ResolvConf conf) {
        return rendered(conf).file();
    }

    private Rendered rendered(ResolvConf conf) {
        Rendered r = byConf.get(conf);
        if (r != null) {
            return r;
        }
        r = new Rendered(conf, conf.render().getBytes(StandardCharsets.UTF_8));
        if (byConf.size() >= MAX) {
            return r;
        }
        Rendered prior = byConf.putIfAbsent(conf, r);
        return prior != null ? prior : r;
    }
}
