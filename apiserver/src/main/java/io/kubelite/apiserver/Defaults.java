package io.kubelite.apiserver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubelite.api.Container;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.IntOrString;
import io.kubelite.api.Namespace;
import io.kubelite.api.Pod;
import io.kubelite.api.PodSpec;
import io.kubelite.api.PodSpecDefaults;
import io.kubelite.api.QosClass;
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

    private Defaults() {
    }

    /** Applies create-time defaults. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T onCreate(T obj) {
        if (obj instanceof Pod p) {
            Pod.Builder b = p.toBuilder();
            b.setSpec(podSpec(p.getSpec(), true));
            // a new pod's status is the API server's: Pending, with its QoS class
            b.setStatus(PodStatus.newBuilder().setPhase("Pending").setQosClass(QosClass.of(b.getSpec())));
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
        PodSpec withScheme = PodSpecDefaults.scheme(spec);
        return admission ? PodSpecDefaults.admission(withScheme) : withScheme;
    }

}
