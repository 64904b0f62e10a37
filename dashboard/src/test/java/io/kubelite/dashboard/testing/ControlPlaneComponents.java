package io.kubelite.dashboard.testing;

import io.kubelite.apiserver.mirror.EtcdMemberMirrorPods;
import io.kubelite.controllers.ControllerManagerMain;
import io.kubelite.scheduler.SchedulerComponent;
import io.kubelite.scheduler.SchedulerConfig;
import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.ElectorFactory;
import io.kubelite.store.runtime.mirror.MirrorPodPublisher;
import io.kubelite.store.testing.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * Leader-elected components for a {@link DashboardCluster}, in this JVM, each through the real
 * {@link ComponentMain} (etcd election with its {@code kube-system} Lease and fencing token, and a
 * mirror pod in {@code kube-system}), as {@code kubelite up} runs them:
 *
 * <ul>
 *   <li>a controller-manager ({@code --id controller-manager-a}) running {@link #CONTROLLERS}, the
 *       node monitor every 500 ms with a {@value #GRACE_SECONDS} s grace period (the cluster's
 *       nodes renew their Lease every 10 s, so that is the shortest grace that keeps them Ready),
 *       so a failed node turns Unknown in seconds;
 *   <li>two scheduler replicas, {@code scheduler-a} and {@code scheduler-b}, campaigning for the
 *       {@code scheduler} election with a short lease. They schedule pods naming {@value
 *       #SCHEDULER_NAME} only: the cluster's own unelected scheduler keeps the default ones;
 *   <li>the etcd members' mirror pods ({@code etcd-<member>}, with member id and raft leader), which
 *       {@code kubelite up}'s API server publishes and the test API server does not.
 * </ul>
 *
 * Register it after the {@link DashboardCluster} (a higher {@code @Order}). Everything stops after
 * the class, whether its tests passed or not.
 */
public final class ControlPlaneComponents implements BeforeAllCallback, AfterAllCallback {
    public static final String SCHEDULER_NAME = "ha-scheduler";
    public static final int GRACE_SECONDS = 15;
    public static final String CONTROLLERS =
            "nodelifecycle,replicaset,deployment,daemonset,endpoint,endpointslice,disruption,garbagecollector";

    private final DashboardCluster cluster;
    private final Map<String, ComponentMain> schedulers = new LinkedHashMap<>();
    private ComponentMain controllerManager;
    private MirrorPodPublisher etcdPods;
    private EtcdMemberMirrorPods etcdMembers;

    public ControlPlaneComponents(DashboardCluster cluster) {
        this.cluster = cluster;
    }

    @CommandLine.Command
    static final class Flags {
        @CommandLine.Mixin
        CommonOptions common = new CommonOptions().leaderElectByDefault(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        try {
            ControllerManagerMain cm = ControllerManagerMain.parse(args(
                    "controller-manager-a",
                    "--controllers=" + CONTROLLERS,
                    "--node-monitor-period=500ms",
                    "--node-monitor-grace-period=" + GRACE_SECONDS + "s",
                    "--node-startup-grace-period=" + GRACE_SECONDS + "s"));
            controllerManager = cm.componentMain();
            controllerManager.start();
            for (String id : List.of("scheduler-a", "scheduler-b")) {
                Flags flags = new Flags();
                new CommandLine(flags).parseArgs(args(id));
                ComponentMain m = new ComponentMain(
                        "scheduler",
                        new SchedulerComponent(i -> new SchedulerConfig(
                                SCHEDULER_NAME, i, Duration.ofMillis(200), Duration.ofSeconds(2), 64)),
                        flags.common,
                        ElectorFactory.ETCD);
                schedulers.put(id, m);
                m.start();
            }
            Duration ttl = Duration.ofSeconds(3);
            etcdPods = new MirrorPodPublisher(cluster.cluster().etcd(), ttl, Duration.ofSeconds(1), Clock.systemUTC());
            etcdMembers = new EtcdMemberMirrorPods(
                    cluster.cluster().etcd(), "localhost", EtcdMemberMirrorPods.statusTimeout(ttl));
            etcdPods.add(etcdMembers);
            etcdPods.start();
            Poll.until(
                    Duration.ofSeconds(30),
                    "the controller-manager's node lifecycle controller running",
                    () -> cm.component().running());
        } catch (Throwable t) {
            try {
                afterAll(context);
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    private String[] args(String id, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "--etcd-endpoints",
                String.join(",", cluster.cluster().etcdEndpoints()),
                "--etcd-prefix",
                cluster.cluster().etcd().prefix(),
                "--health-port",
                "0",
                "--leader-elect=true",
                "--leader-lease-duration=3s",
                "--mirror-pod-lease-duration=3s",
                "--id",
                id));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Stops scheduler replica {@code id} (as a clean shutdown would: it resigns, the other takes over). */
    public void stopScheduler(String id) {
        ComponentMain m = schedulers.remove(id);
        if (m != null) {
            m.shutdown();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (ComponentMain m : schedulers.values()) {
            m.shutdown();
        }
        schedulers.clear();
        if (controllerManager != null) {
            controllerManager.shutdown();
            controllerManager = null;
        }
        if (etcdPods != null) {
            etcdPods.close();
            etcdPods = null;
        }
        if (etcdMembers != null) {
            etcdMembers.close();
            etcdMembers = null;
        }
    }
}
