package io.kubelite.kinds.core.pod;

import io.kubelite.api.EnvVar;
import io.kubelite.api.EnvVarSource;
import io.kubelite.api.Lifecycle;
import io.kubelite.api.LifecycleHandler;
import io.kubelite.api.Probe;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's checks that a container's one-of fields set exactly one member: an env var's {@code
 * valueFrom} source (and not with a {@code value}), a probe's and a lifecycle hook's handler (exec,
 * httpGet, tcpSocket, grpc / sleep). kube-apiserver's field paths and messages.
 */
final class ContainerHandlerValidation {
    private ContainerHandlerValidation() {}

    static void env(List<EnvVar> env, String path, FieldErrors errs) {
        for (int i = 0; i < env.size(); i++) {
            EnvVar e = env.get(i);
            String p = path + "[" + i + "]";
            if (e.getName().isEmpty()) {
                errs.required(p + ".name");
            }
            if (!e.hasValueFrom()) {
                continue;
            }
            EnvVarSource s = e.getValueFrom();
            int n = (s.hasFieldRef() ? 1 : 0)
                    + (s.hasResourceFieldRef() ? 1 : 0)
                    + (s.hasConfigMapKeyRef() ? 1 : 0)
                    + (s.hasSecretKeyRef() ? 1 : 0);
            String vp = p + ".valueFrom";
            if (n == 0) {
                errs.invalid(
                        vp,
                        "",
                        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
            } else if (n > 1) {
                errs.invalid(vp, "", "may not have more than one field specified at a time");
            } else if (!e.getValue().isEmpty()) {
                errs.invalid(vp, "", "may not be specified when `value` is not empty");
            }
        }
    }

    static void probe(Probe probe, String path, FieldErrors errs) {
        List<String> set = new ArrayList<>();
        if (probe.hasExec()) {
            set.add("exec");
        }
        if (probe.hasHttpGet()) {
            set.add("httpGet");
        }
        if (probe.hasTcpSocket()) {
            set.add("tcpSocket");
        }
        if (probe.hasGrpc()) {
            set.add("grpc");
            int port = probe.getGrpc().getPort();
            if (port < 1 || port > 65535) {
                errs.invalid(path + ".grpc.port", port, "must be between 1 and 65535, inclusive");
            }
        }
        oneHandler(set, path, errs);
    }

    static void lifecycle(Lifecycle lifecycle, String path, FieldErrors errs) {
        if (lifecycle.hasPostStart()) {
            handler(lifecycle.getPostStart(), path + ".postStart", errs);
        }
        if (lifecycle.hasPreStop()) {
            handler(lifecycle.getPreStop(), path + ".preStop", errs);
        }
    }

    private static void handler(LifecycleHandler h, String path, FieldErrors errs) {
        List<String> set = new ArrayList<>();
        if (h.hasExec()) {
            set.add("exec");
        }
        if (h.hasHttpGet()) {
            set.add("httpGet");
        }
        if (h.hasTcpSocket()) {
            set.add("tcpSocket");
        }
        if (h.hasSleep()) {
            set.add("sleep");
            if (h.getSleep().getSeconds() <= 0) {
                errs.invalid(path + ".sleep.seconds", h.getSleep().getSeconds(), "must be greater than 0");
            }
        }
        oneHandler(set, path, errs);
    }

    private static void oneHandler(List<String> set, String path, FieldErrors errs) {
        if (set.isEmpty()) {
            errs.required(path, "must specify a handler type");
        }
        for (int i = 1; i < set.size(); i++) {
            errs.forbidden(path + "." + set.get(i), "may not specify more than 1 handler type");
        }
    }
}
