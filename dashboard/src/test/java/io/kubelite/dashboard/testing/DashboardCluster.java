package io.kubelite.dashboard.testing;

import io.kubelite.apiserver.testing.InProcessControllerManager;
import io.kubelite.apiserver.testing.Kubectl;
import io.kubelite.apiserver.testing.KubectlCluster;
import io.kubelite.dashboard.DashboardComponent;
import io.kubelite.dashboard.DashboardOptions;
import io.kubelite.kubelet.KubeletSim;
import io.kubelite.kubelet.KubeletSimOptions;
import io.kubelite.scheduler.Scheduler;
import io.kubelite.scheduler.SchedulerConfig;
import io.kubelite.store.Fence;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentContext;
import io.kubelite.store.runtime.ReadinessChecks;
import io.kubelite.store.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real cluster and the dashboard for a browser test class: a real etcd and the API server
 * (HTTPS with client certificates, as {@code kubelite up} starts it, plus the token {@link
 * #USER_TOKEN} for a second user), an in-process scheduler and kubelet-sim with {@link #NODES}
 * nodes in zones {@code zone-a} and {@code zone-b}, and the {@link DashboardComponent} on a free
 * port acting with the admin's kubeconfig, with a fresh one-time login code. Register it on a
 * static field; it starts before the class's {@code @BeforeAll} and stops after its {@code
 * @AfterAll}, whether the tests passed or not. Pair it with a {@link Browser}.
 */
public final class DashboardCluster implements BeforeAllCallback, AfterAllCallback {
    public static final String USER_TOKEN = "viewer-token-0123456789";
    public static final int NODES = 4;
    public static final List<String> ZONES = List.of("zone-a", "zone-b");

    /** The cluster's service-account key: TokenRequest (kubectl create token) signs with it. */
    private final io.kubelite.apiserver.testing.TestServiceAccountKeys serviceAccountKeys =
            io.kubelite.apiserver.testing.TestServiceAccountKeys.generate();

    private final KubectlCluster cluster = KubectlCluster.clientCerts()
            .rbac()
            .tokenFile(USER_TOKEN + ",jane,uid-jane,\"system:masters\"\n")
            .setup(s -> s.withServiceAccountIssuing(serviceAccountKeys.issuing()));
    private final List<String> controllers = new ArrayList<>();
    private InProcessControllerManager controllerManager;
    private KubeletSim sim;
    private Scheduler scheduler;
    private DashboardComponent dashboard;
    private String loginCode;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        try {
            cluster.start();
            sim = new KubeletSim(
                    new KubeletSimOptions().nodes(NODES).zones(ZONES).podCidrFallback("10.207.0.0/16"));
            sim.start(cluster.etcd());
            scheduler = new Scheduler(
                    cluster.etcd(),
                    new SchedulerConfig(
                            "default-scheduler", "dashboard-test", Duration.ofMillis(200), Duration.ofSeconds(2), 64));
            scheduler.start();
            scheduler.startLeading(Fence.NONE);
            if (!controllers.isEmpty()) {
                controllerManager =
                        InProcessControllerManager.start(cluster, "dashboard-test", String.join(",", controllers));
            }
            startDashboard();
        } catch (Throwable t) {
            try {
                afterAll(context);
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    /**
     * Also runs these controller-manager controllers in-process, by their {@code --controllers}
     * names (e.g. {@code "endpointslice"}); call on the field's initializer, before the class starts.
     */
    public DashboardCluster controllers(String... names) {
        controllers.addAll(List.of(names));
        return this;
    }

    private void startDashboard() throws Exception {
        loginCode = UUID.randomUUID().toString().replace("-", "");
        Path codeFile = cluster.dir().resolve("dashboard-login-code");
        Files.writeString(codeFile, loginCode);
        DashboardOptions o = new DashboardOptions();
        o.kubeconfig = cluster.kubeconfig();
        o.port = 0;
        o.loginCodeFile = codeFile;
        o.metricsInterval = Duration.ofSeconds(1);
        ReadinessChecks readiness = new ReadinessChecks();
        dashboard = new DashboardComponent(o);
        dashboard.start(new ComponentContext(
                "dashboard",
                "dashboard-test",
                cluster.etcd(),
                new CommonOptions(),
                new SimpleMeterRegistry(),
                readiness,
                (reason, t) -> {
                    throw new AssertionError("fatal: " + reason, t);
                }));
        Poll.until(
                Duration.ofSeconds(30),
                "the dashboard's caches listed",
                () -> readiness.evaluate().ready());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {dashboard, controllerManager, scheduler, sim, cluster}) {
            if (c != null) {
                c.close();
            }
        }
        dashboard = null;
        controllerManager = null;
        scheduler = null;
        sim = null;
    }

    /** The dashboard's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + dashboard.port();
    }

    /** The one-time login link, as {@code kubelite up} prints it. */
    public String loginLink() {
        return url() + "/?login=" + loginCode;
    }

    /** The real kubectl with the admin's kubeconfig. */
    public Kubectl kubectl() {
        return cluster.kubectl();
    }

    public KubectlCluster cluster() {
        return cluster;
    }
}
