package io.kubelite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod's QoS class, by Kubernetes' rules over cpu and memory requests and limits of all its
 * containers (init containers included; quantities compared by value, so {@code 1} and {@code
 * 1000m} are equal). One definition for the API server, which sets it on create, and kubelet-sim,
 * which reports it in status.
 */
public final class QosClass {
  private QosClass() {}

  public static String of(PodSpec spec) {
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
      return resource.equals("cpu")
          ? Quantity.cpuMillis(a) == Quantity.cpuMillis(b)
          : Quantity.bytes(a) == Quantity.bytes(b);
    } catch (IllegalArgumentException e) {
      return a.equals(b);
    }
  }
}
