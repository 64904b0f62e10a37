package io.kubelite.launcher;

/**
 * The server processes kubelite is made of, each with the class whose {@code main} runs
 * it. The launcher names them by class so that it depends on no component's internals:
 * {@code kubelite <component>} calls the main in-process, {@code kubelite up} starts each
 * as its own OS process on the same classpath.
 */
public enum ComponentKind {
    APISERVER("apiserver", "io.kubelite.apiserver.ApiServerMain"),
    CONTROLLER_MANAGER("controller-manager", "io.kubelite.controllers.ControllerManagerMain"),
    SCHEDULER("scheduler", "io.kubelite.scheduler.SchedulerMain"),
    KUBELET_SIM("kubelet-sim", "io.kubelite.kubelet.KubeletSimMain"),
    /** Single-node etcd v3 API server: {@code kubelite etcdlite --data-dir D --listen 127.0.0.1:2379}. */
    ETCDLITE("etcdlite", "io.kubelite.etcdlite.EtcdLite");

    private final String command;
    private final String mainClass;

    ComponentKind(String command, String mainClass) {
        this.command = command;
        this.mainClass = mainClass;
    }

    public String command() {
        return command;
    }

    public String mainClass() {
        return mainClass;
    }

    /** True when this build contains the component. */
    public boolean available() {
        try {
            Class.forName(mainClass, false, ComponentKind.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
