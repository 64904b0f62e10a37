package io.kubelite.scheduler.framework;

import io.kubelite.api.Container;
import io.kubelite.api.Pod;
import io.kubelite.store.informer.Informer;
import java.util.Map;

/**
 * A pod with what the scheduler derives from it once: its key, its resource request and
 * the non-zero request used for scoring. Immutable; rebuilt when the pod changes.
 *
 * <p>The request is Kubernetes': the larger of the sum of the containers' requests and
 * the largest init container's request, per resource. A container that sets a limit but
 * no request requests its limit (the API server's defaulting). For scoring, a container
 * with no CPU request counts as 100m and one with no memory request as 200Mi, as
 * kube-scheduler does, so best-effort pods still spread.
 */
public final class PodInfo {
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    private final Pod pod;
    private final String key;
    private final ResourceAmounts request;
    private final ResourceAmounts nonZeroRequest;

    public PodInfo(Pod pod) {
        this.pod = pod;
        this.key = Informer.keyOf(pod.getMetadata());
        ResourceAmounts[] r = requests(pod);
        this.request = r[0];
        this.nonZeroRequest = r[1];
    }

    private PodInfo(Pod pod, String key, ResourceAmounts request, ResourceAmounts nonZeroRequest) {
        this.pod = pod;
        this.key = key;
        this.request = request;
        this.nonZeroRequest = nonZeroRequest;
    }

    /**
     * The PodInfo of {@code pod}, a newer version of {@code previous}'s pod (the same key):
     * its requests are taken from {@code previous} when the containers are the very same
     * lists, which is how a pod this scheduler bound comes back from its own bind (a copy of
     * the queued pod with a node name), instead of parsing every quantity again. Otherwise,
     * or when {@code previous} is null, the same as {@code new PodInfo(pod)}.
     */
    public static PodInfo updated(PodInfo previous, Pod pod) {
        if (previous != null
                && previous.pod.getSpec().getContainersList() == pod.getSpec().getContainersList()
                && previous.pod.getSpec().getInitContainersList()
                        == pod.getSpec().getInitContainersList()) {
            return new PodInfo(pod, previous.key, previous.request, previous.nonZeroRequest);
        }
        return new PodInfo(pod);
    }

    /** {request, nonZeroRequest} of {@code pod}. */
    private static ResourceAmounts[] requests(Pod pod) {
        ResourceAmounts sum = new ResourceAmounts();
        ResourceAmounts nonZero = new ResourceAmounts();
        for (Container c : pod.getSpec().getContainersList()) {
            long cpu = containerRequest(c, "cpu");
            long mem = containerRequest(c, "memory");
            sum.milliCpu += Math.max(cpu, 0);
            sum.memory += Math.max(mem, 0);
            nonZero.milliCpu += cpu < 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu;
            nonZero.memory += mem < 0 ? DEFAULT_MEMORY_REQUEST : mem;
        }
        for (Container c : pod.getSpec().getInitContainersList()) {
            long cpu = containerRequest(c, "cpu");
            long mem = containerRequest(c, "memory");
            sum.milliCpu = Math.max(sum.milliCpu, Math.max(cpu, 0));
            sum.memory = Math.max(sum.memory, Math.max(mem, 0));
            nonZero.milliCpu = Math.max(nonZero.milliCpu, cpu < 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu);
            nonZero.memory = Math.max(nonZero.memory, mem < 0 ? DEFAULT_MEMORY_REQUEST : mem);
        }
        sum.pods = 1;
        nonZero.pods = 1;
        return new ResourceAmounts[] {sum, nonZero};
    }

    /** The container's request for {@code resource}, its limit when it has no request, or -1 when it has neither. */
    private static long containerRequest(Container c, String resource) {
        Map<String, String> req = c.getResources().getRequestsMap();
        String q = req.get(resource);
        if (q == null) {
            q = c.getResources().getLimitsMap().get(resource);
        }
        if (q == null) {
            return -1;
        }
        return ResourceAmounts.quantity(q, resource.equals("cpu"));
    }

    public Pod pod() {
        return pod;
    }

    /** {@code namespace/name}. */
    public String key() {
        return key;
    }

    public String namespace() {
        return pod.getMetadata().getNamespace();
    }

    public String name() {
        return pod.getMetadata().getName();
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }

    public Map<String, String> labels() {
        return pod.getMetadata().getLabelsMap();
    }

    /** The request NodeResourcesFit checks against allocatable (pods = 1). Do not mutate. */
    public ResourceAmounts request() {
        return request;
    }

    /** The request with defaults for containers that request nothing, for scoring. Do not mutate. */
    public ResourceAmounts nonZeroRequest() {
        return nonZeroRequest;
    }

    public boolean terminating() {
        return pod.getMetadata().hasDeletionTimestamp();
    }

    public int priority() {
        return pod.getSpec().hasPriority() ? pod.getSpec().getPriority() : 0;
    }

    @Override
    public String toString() {
        return key;
    }
}
