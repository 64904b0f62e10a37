package io.kubelite.store.testing;

import io.kubelite.store.Etcd;
import io.kubelite.store.EtcdConfig;
import io.kubelite.store.local.EtcdBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class a real etcd. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.single();      // any etcd
 * @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.managed(3);    // 3 members we control
 * }</pre>
 *
 * <p>Where etcd comes from, in order: {@code ETCD_ENDPOINTS} (only for {@link #single()},
 * which needs no control over the members); the {@code etcd} binary ({@code ETCD_BIN}
 * or PATH) started on free 127.0.0.1 ports with a temp data dir; a Docker engine through
 * Testcontainers (one member only); otherwise the class fails with one line that says
 * how to get etcd. It never skips silently.
 *
 * <p>Tests in a class share the cluster; {@link #newPrefix()} gives each test its own
 * key prefix so they cannot see each other's objects. Every {@link Etcd} handed out by
 * {@link #connect} is closed after the class, as is the cluster.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final String NO_ETCD = "No etcd for tests: install it (apt-get install etcd-server etcd-client), "
            + "or set ETCD_BIN to an etcd binary, or ETCD_ENDPOINTS to a running etcd, or start a Docker engine.";

    private final int members;
    private final boolean managed;
    private final AtomicInteger prefixes = new AtomicInteger();
    private final List<Etcd> clients = new ArrayList<>();
    private EtcdCluster cluster;

    private EtcdExtension(int members, boolean managed) {
        this.members = members;
        this.managed = managed;
    }

    /** One etcd; may be an external one from {@code ETCD_ENDPOINTS}. */
    public static EtcdExtension single() {
        return new EtcdExtension(1, false);
    }

    /** {@code members} etcd members started and controlled by the harness (kill, restart, pause). */
    public static EtcdExtension managed(int members) {
        if (members != 1 && members != 3 && members != 5) {
            throw new IllegalArgumentException("members must be 1, 3 or 5, got " + members);
        }
        return new EtcdExtension(members, true);
    }

    public EtcdCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "etcd not started: register EtcdExtension with @RegisterExtension on a static field");
        }
        return cluster;
    }

    /** A fresh key prefix, unique within this JVM run, e.g. {@code /t3-1a2b/registry}. */
    public String newPrefix() {
        return "/t" + prefixes.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff) + "/registry";
    }

    /** Config for a store client on this cluster under {@code prefix}. */
    public EtcdConfig config(String prefix) {
        // generous: a 2-core CI machine running etcd with fsync and several JVMs can stall for seconds
        return new EtcdConfig(cluster().endpoints(), prefix, Duration.ofSeconds(15));
    }

    /** A connected client, closed automatically after the test class. */
    public synchronized Etcd connect(String prefix) {
        Etcd etcd = Etcd.connect(config(prefix));
        clients.add(etcd);
        return etcd;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = start();
    }

    private EtcdCluster start() {
        String external = System.getenv("ETCD_ENDPOINTS");
        if (!managed && external != null && !external.isBlank()) {
            return new ExternalEtcdCluster(external);
        }
        Optional<Path> binary = EtcdBinary.etcd();
        if (binary.isPresent()) {
            return new ProcessEtcdCluster(binary.get(), members, List.of());
        }
        if (members == 1 && ContainerEtcdCluster.dockerAvailable()) {
            return new ContainerEtcdCluster();
        }
        throw new IllegalStateException(
                members > 1 ? "A " + members + "-member etcd needs the etcd binary. " + NO_ETCD : NO_ETCD);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        for (Etcd e : clients) {
            e.close();
        }
        clients.clear();
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == EtcdCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return cluster();
    }
}
