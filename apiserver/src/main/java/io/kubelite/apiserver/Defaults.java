package io.kubelite.apiserver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.IntOrString;
import io.kubelite.api.Namespace;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodStatus;
import io.kubelite.api.Probe;
import io.kubelite.api.ReplicaSet;
import io.kubelite.api.Secret;
import io.kubelite.api.Service;
import io.kubelite.api.ServicePort;
import io.kubelite.api.Toleration;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Kubernetes' defaulting on create (and, for the fields a client may clear, on update):
 * the scheme defaults of the served types plus the DefaultTolerationSeconds admission
 * plugin for pods.
 */
public final class Defaults {
    public static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
    static final long DEFAULT_TOLERATION_SECONDS = 300;

    private Defaults() {
    }

    /** Applies create-time defaults. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T onCreate(T obj) {
        if (obj instanceof Pod p) {
            Pod.Builder b = p.toBuilder();
            b.setSpec(podSpec(p.getSpec(), true));
            // a new pod's status is the API server's: Pending, with its QoS class
            b.setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(qosClass(b.getSpec())));
            return (T) b.build();
        }
        return onWrite(obj);
    }

    /** Defaults applied on every write (create and update), as scheme defaulting is. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T onWrite(T obj) {
        if (obj instanceof Pod p) {
            return (T) p.toBuilder().setSpec(podSpec(p.getSpec(), false)).build();
        }
        if (obj instanceof Namespace n) {
            Namespace.Builder b = n.toBuilder();
            if (b.getSpec().getFinalizersCount() == 0) {
                b.getSpecBuilder().addFinalizers("kubernetes");
            }
            if (b.getStatus().getPhase().isEmpty()) {
                b.getStatusBuilder().setPhase("Active");
            }
            return (T) b.build();
        }
        if (obj instanceof Service s) {
            Service.Builder b = s.toBuilder();
            var spec = b.getSpecBuilder();
            if (spec.getType().isEmpty()) {
                spec.setType("ClusterIP");
            }
            if (spec.getSessionAffinity().isEmpty()) {
                spec.setSessionAffinity("None");
            }
            if (spec.getInternalTrafficPolicy().isEmpty() && !spec.getType().equals("ExternalName")) {
                spec.setInternalTrafficPolicy("Cluster");
            }
            for (int i = 0; i < spec.getPortsCount(); i++) {
                ServicePort.Builder pb = spec.getPorts(i).toBuilder();
                if (pb.getProtocol().isEmpty()) {
                    pb.setProtocol("TCP");
                }
                if (!pb.hasTargetPort()) {
                    pb.setTargetPort(IntOrString.of(pb.getPort()));
                }
                spec.setPorts(i, pb);
            }
            return (T) b.build();
        }
        if (obj instanceof ReplicaSet rs) {
            ReplicaSet.Builder b = rs.toBuilder();
            if (!b.getSpec().hasReplicas()) {
                b.getSpecBuilder().setReplicas(1);
            }
            if (b.getSpec().hasTemplate()) {
                b.getSpecBuilder().getTemplateBuilder().setSpec(podSpec(b.getSpec().getTemplate().getSpec(), false));
            }
            return (T) b.build();
        }
        if (obj instanceof Secret s) {
            Secret.Builder b = s.toBuilder();
            if (b.getType().isEmpty()) {
                b.setType("Opaque");
            }
            for (Map.Entry<String, String> e : s.getStringDataMap().entrySet()) {
                b.putData(e.getKey(), ByteString.copyFrom(e.getValue(), StandardCharsets.UTF_8));
            }
            b.clearStringData();
            return (T) b.build();
        }
        return obj;
    }

    static PodSpec podSpec(PodSpec spec, boolean admission) {
        PodSpec.Builder b = spec.toBuilder();
        if (b.getRestartPolicy().isEmpty()) {
            b.setRestartPolicy("Always");
        }
        if (!b.hasTerminationGracePeriodSeconds()) {
            b.setTerminationGracePeriodSeconds(30);
        }
        if (b.getSchedulerName().isEmpty()) {
            b.setSchedulerName("default-scheduler");
        }
        if (b.getDnsPolicy().isEmpty()) {
            b.setDnsPolicy("ClusterFirst");
        }
        if (admission && b.getServiceAccountName().isEmpty()) {
            b.setServiceAccountName("default");
        }
        for (int i = 0; i < b.getContainersCount(); i++) {
            b.setContainers(i, container(b.getContainers(i)));
        }
        for (int i = 0; i < b.getInitContainersCount(); i++) {
            b.setInitContainers(i, container(b.getInitContainers(i)));
        }
        if (admission) {
            addToleration(b, NOT_READY_TAINT);
            addToleration(b, UNREACHABLE_TAINT);
        }
        return b.build();
    }

    private static void addToleration(PodSpec.Builder b, String key) {
        for (Toleration t : b.getTolerationsList()) {
            boolean matchesKey = t.getKey().equals(key) || (t.getKey().isEmpty() && "Exists".equals(t.getOperator()));
            boolean matchesEffect = t.getEffect().isEmpty() || t.getEffect().equals("NoExecute");
            if (matchesKey && matchesEffect) {
                return;
            }
        }
        b.addTolerations(Toleration.newBuilder().setKey(key).setOperator("Exists").setEffect("NoExecute")
                .setTolerationSeconds(DEFAULT_TOLERATION_SECONDS));
    }

    private static Container container(Container c) {
        Container.Builder b = c.toBuilder();
        if (b.getImagePullPolicy().isEmpty()) {
            String image = b.getImage();
            String tagPart = image.substring(image.lastIndexOf('/') + 1);
            boolean latest = !tagPart.contains(":") || tagPart.endsWith(":latest");
            if (image.contains("@")) {
                latest = false;
            }
            b.setImagePullPolicy(latest ? "Always" : "IfNotPresent");
        }
        for (int i = 0; i < b.getPortsCount(); i++) {
            ContainerPort p = b.getPorts(i);
            if (p.getProtocol().isEmpty()) {
                b.setPorts(i, p.toBuilder().setProtocol("TCP"));
            }
        }
        if (b.hasLivenessProbe()) {
            b.setLivenessProbe(probe(b.getLivenessProbe()));
        }
        if (b.hasReadinessProbe()) {
            b.setReadinessProbe(probe(b.getReadinessProbe()));
        }
        if (b.hasStartupProbe()) {
            b.setStartupProbe(probe(b.getStartupProbe()));
        }
        return b.build();
    }

    private static Probe probe(Probe p) {
        Probe.Builder b = p.toBuilder();
        if (b.getTimeoutSeconds() == 0) {
            b.setTimeoutSeconds(1);
        }
        if (b.getPeriodSeconds() == 0) {
            b.setPeriodSeconds(10);
        }
        if (b.getSuccessThreshold() == 0) {
            b.setSuccessThreshold(1);
        }
        if (b.getFailureThreshold() == 0) {
            b.setFailureThreshold(3);
        }
        return b.build();
    }

    /** Guaranteed when every container has equal cpu and memory requests and limits, BestEffort with none. */
    static String qosClass(PodSpec s) {
        boolean any = false;
        boolean guaranteed = true;
        for (Container c : s.getContainersList()) {
            var r = c.getResources();
            if (r.getRequestsCount() > 0 || r.getLimitsCount() > 0) {
                any = true;
            }
            for (String res : new String[]{"cpu", "memory"}) {
                String lim = r.getLimitsMap().get(res);
                String req = r.getRequestsMap().getOrDefault(res, lim);
                if (lim == null || !lim.equals(req)) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
