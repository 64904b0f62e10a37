package io.kubelite.kubelet.pod;

import com.google.protobuf.Value;
import io.kubelite.api.ContainerPort;
import io.kubelite.api.IntOrString;
import io.kubelite.kubelet.runtime.SimContainer;

/** The port of a probe's or lifecycle hook's handler: a number, or the name of one of the container's ports. */
final class HandlerPorts {
    private HandlerPorts() {}

    /** The port number; null when the name matches no port of {@code c} (kube's prober fails then). */
    static Integer resolve(Value v, SimContainer c) {
        try {
            if (IntOrString.isInt(v)) {
                return IntOrString.intValue(v);
            }
            String name = IntOrString.stringValue(v);
            for (ContainerPort p : c.spec().getPortsList()) {
                if (p.getName().equals(name)) {
                    return p.getContainerPort();
                }
            }
            return Integer.parseInt(name);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            return null;
        }
    }

    /** The port as the client wrote it, for messages. */
    static String text(Value v) {
        try {
            return IntOrString.toString(v);
        } catch (IllegalArgumentException e) {
            return String.valueOf(v);
        }
    }
}
