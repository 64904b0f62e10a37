package io.kubelite.kubelet.config;

import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Service environment variables a kubelet gives every container (pkg/kubelet/envvars and
 * getServiceEnvVarMap): for each Service with a cluster IP in the pod's namespace (unless the pod
 * says {@code enableServiceLinks: false}), and for the {@code kubernetes} Service of
 * {@code default} always, {@code NAME_SERVICE_HOST}, {@code NAME_SERVICE_PORT},
 * {@code NAME_SERVICE_PORT_<PORTNAME>} and Docker's link variables {@code NAME_PORT},
 * {@code NAME_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]}.
 */
public final class ServiceEnvironment {
    private static final String MASTER_NAMESPACE = "default";
    private static final String MASTER_SERVICE = "kubernetes";

    private ServiceEnvironment() {}

    /** The variables for a pod in {@code namespace}, from {@code services} (any namespaces). */
    public static Map<String, String> forPod(List<Service> services, String namespace, boolean enableServiceLinks) {
        // by name, as the kubelet's map: a Service of the pod's namespace named "kubernetes" wins over default's
        Map<String, Service> byName = new TreeMap<>();
        for (Service s : services) {
            if (!hasClusterIp(s)) {
                continue;
            }
            String ns = s.getMetadata().getNamespace();
            String name = s.getMetadata().getName();
            if (ns.equals(MASTER_NAMESPACE) && name.equals(MASTER_SERVICE)) {
                byName.putIfAbsent(name, s);
            } else if (ns.equals(namespace) && enableServiceLinks) {
                byName.put(name, s);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Service s : byName.values()) {
            env.putAll(of(s));
        }
        return env;
    }

    static boolean hasClusterIp(Service s) {
        String ip = s.getSpec().getClusterIp();
        return !ip.isEmpty() && !ip.equals("None");
    }

    /** One Service's variables, in the kubelet's order. */
    static Map<String, String> of(Service s) {
        Map<String, String> env = new LinkedHashMap<>();
        List<ServicePort> ports = s.getSpec().getPortsList();
        if (ports.isEmpty()) {
            return env;
        }
        String prefix = variableName(s.getMetadata().getName());
        String ip = s.getSpec().getClusterIp();
        env.put(prefix + "_SERVICE_HOST", ip);
        env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
        for (ServicePort p : ports) {
            if (!p.getName().isEmpty()) {
                env.put(prefix + "_SERVICE_PORT_" + variableName(p.getName()), Integer.toString(p.getPort()));
            }
        }
        List<String[]> links = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String protocol = p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
            String proto = protocol.toLowerCase(Locale.ROOT);
            String hostPort = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + p.getPort();
            if (i == 0) {
                links.add(new String[] {prefix + "_PORT", proto + "://" + hostPort});
            }
            String portPrefix = prefix + "_PORT_" + p.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
            links.add(new String[] {portPrefix, proto + "://" + hostPort});
            links.add(new String[] {portPrefix + "_PROTO", proto});
            links.add(new String[] {portPrefix + "_PORT", Integer.toString(p.getPort())});
            links.add(new String[] {portPrefix + "_ADDR", ip});
        }
        for (String[] kv : links) {
            env.put(kv[0], kv[1]);
        }
        return env;
    }

    private static String variableName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
