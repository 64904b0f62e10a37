package io.kubelite.launcher;

import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.EtcdSecurityOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where {@code kubelite store export/import} finds etcd: endpoints, key prefix, call deadline, TLS and auth. */
final class StoreConnectionOptions {
    @Option(
            names = "--etcd-endpoints",
            split = ",",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:ETCD_ENDPOINTS:-127.0.0.1:2379}",
            description =
                    "etcd (or etcdlite) client endpoints, comma-separated (default: $ETCD_ENDPOINTS, else 127.0.0.1:2379).")
    List<String> endpoints = new ArrayList<>();

    @Option(
            names = {"--prefix", "--etcd-prefix"},
            paramLabel = "PREFIX",
            defaultValue = EtcdConfig.DEFAULT_PREFIX,
            description = "Key prefix of the kubelite data (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--etcd-request-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Deadline of every etcd call (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Mixin
    EtcdSecurityOptions security = new EtcdSecurityOptions();

    /** What is wrong with the flags picocli could not check itself, or null. */
    String problem() {
        if (endpoints.isEmpty() || endpoints.stream().allMatch(String::isBlank)) {
            return "--etcd-endpoints: at least one endpoint is required";
        }
        if (requestTimeout.isZero()) {
            return "--etcd-request-timeout must be more than 0";
        }
        return null;
    }

    Etcd connect() {
        return Etcd.connect(security.applyTo(new EtcdConfig(endpoints, prefix, requestTimeout)));
    }

    String describe() {
        return String.join(",", endpoints);
    }
}
