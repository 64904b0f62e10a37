package io.kubelite.launcher;

import io.kubelite.apiserver.ApiServerMain;
import io.kubelite.controllers.ControllerManagerMain;
import io.kubelite.dashboard.DashboardMain;
import io.kubelite.dns.DnsMain;
import io.kubelite.etcdlite.EtcdLite;
import io.kubelite.kubelet.KubeletSimMain;
import io.kubelite.logstore.LogStoreMain;
import io.kubelite.metrics.MetricsServerMain;
import io.kubelite.proxy.KubeProxyMain;
import io.kubelite.scheduler.SchedulerMain;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * The server processes kubelite is made of, each with its main class and entry point,
 * referenced by type (the distribution depends on every component): {@code kubelite
 * <component>} runs the entry point in-process, {@code kubelite up} and the failover
 * suite start each as its own OS process on the same classpath, with {@link #mainClass}.
 */
public enum ComponentKind {
    APISERVER("apiserver", ApiServerMain.class, ApiServerMain::main),
    CONTROLLER_MANAGER("controller-manager", ControllerManagerMain.class, ControllerManagerMain::main),
    SCHEDULER("scheduler", SchedulerMain.class, SchedulerMain::main),
    KUBELET_SIM("kubelet-sim", KubeletSimMain.class, KubeletSimMain::main),
    /** The cluster DNS server: {@code kubelite dns --port 10053}. */
    DNS("dns", DnsMain.class, DnsMain::main),
    /** kube-proxy's rules for every node: {@code kubelite kube-proxy --rules-port 10249}. */
    KUBE_PROXY("kube-proxy", KubeProxyMain.class, KubeProxyMain::main),
    /** metrics.k8s.io from the kubelets' Summary API: {@code kubelite metrics-server --secure-port 10250}. */
    METRICS_SERVER("metrics-server", MetricsServerMain.class, MetricsServerMain::main),
    /** The cluster's log store, fed by the nodes' log agents: {@code kubelite log-store --data-dir D --port 3100}. */
    LOG_STORE("log-store", LogStoreMain.class, LogStoreMain::main),
    /** The web UI, through the API server only: {@code kubelite dashboard --kubeconfig K --port 9090}. */
    DASHBOARD("dashboard", DashboardMain.class, DashboardMain::main),
    /** Single-node etcd v3 API server: {@code kubelite etcdlite --data-dir D --listen 127.0.0.1:2379}. */
    ETCDLITE("etcdlite", EtcdLite.class, EtcdLite::main);

    private final String command;
    private final Class<?> mainClass;
    private final Consumer<String[]> entry;

    ComponentKind(String command, Class<?> mainClass, Consumer<String[]> entry) {
        this.command = command;
        this.mainClass = mainClass;
        this.entry = entry;
    }

    public String command() {
        return command;
    }

    /** The fully qualified name of the class whose {@code main} runs this component (for a {@code java} command line). */
    public String mainClass() {
        return mainClass.getName();
    }

    /**
     * Whether the component's command line takes {@code option} (its picocli spec declares it):
     * for a launcher passing a flag that a component of another branch or version may lack.
     */
    public boolean accepts(String option) {
        try {
            Object command = mainClass.getDeclaredConstructor().newInstance();
            return new CommandLine(command).getCommandSpec().findOption(option) != null;
        } catch (ReflectiveOperationException | CommandLine.InitializationException e) {
            return false; // not a picocli command: it takes nothing we could pass
        }
    }

    /** Runs the component's main in this JVM; it owns argument parsing and exit codes. */
    public void run(String[] args) {
        entry.accept(args);
    }
}
