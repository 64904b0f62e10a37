package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.api.PodSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pod's QoS class, by Kubernetes' rules over cpu and memory requests and limits. */
final class QosClass {
    private QosClass() {
    }

    static String of(PodSpec spec) {
        List<Container> all = new ArrayList<>(spec.getInitContainersList());
        all.addAll(spec.getContainersList());
        boolean any = false;
        boolean guaranteed = true;
        for (Container c : all) {
            Map<String, String> req = c.getResources().getRequestsMap();
            Map<String, String> lim = c.getResources().getLimitsMap();
            for (String r : List.of("cpu", "memory")) {
                String rq = req.getOrDefault(r, lim.get(r));
                String l = lim.get(r);
                if (rq != null || l != null) {
                    any = true;
                }
                if (l == null || rq == null || !same(r, rq, l)) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean same(String resource, String a, String b) {
        try {
            return resource.equals("cpu") ? io.kubelite.api.Quantity.cpuMillis(a) == io.kubelite.api.Quantity.cpuMillis(b)
                    : io.kubelite.api.Quantity.bytes(a) == io.kubelite.api.Quantity.bytes(b);
        } catch (IllegalArgumentException e) {
            return a.equals(b);
        }
    }
}
