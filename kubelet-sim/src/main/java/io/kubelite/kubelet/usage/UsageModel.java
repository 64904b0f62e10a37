package io.kubelite.kubelet.usage;

import io.kubelite.api.Quantity;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Simulated CPU and memory usage for every node of the process: one timer on the shared
 * timers samples every running container of every node each {@link #TICK} of simulated time
 * (no thread or timer per container), and every {@link #EVICTION_INTERVAL} runs each node's
 * memory eviction pass. Deterministic under its seed: a container's idle usage depends only on
 * the seed, its identity and the number of ticks since it started ({@link IdleUsage}).
 *
 * <p>Lifecycle: {@link #node} registers nodes; {@link #start} begins the ticks; {@link #close}
 * ends them. A tick is pure computation; the OOM kills and evictions it decides on run
 * afterwards as tasks of their own.
 */
public final class UsageModel implements UsageSnapshots, AutoCloseable {
    /** How often usage is sampled (simulated time). */
    public static final Duration TICK = Duration.ofSeconds(1);
    /** The kubelet's eviction monitoring interval (housekeeping). */
    public static final Duration EVICTION_INTERVAL = Duration.ofSeconds(10);
    /** The kubelet's default evictionPressureTransitionPeriod. */
    public static final Duration PRESSURE_TRANSITION_PERIOD = Duration.ofMinutes(5);
    /** The kubelet's default hard threshold, memory.available<100Mi. */
    public static final String DEFAULT_THRESHOLD = "100Mi";

    private final Timers timers;
    private final TimeScale scale;
    private final long seed;
    private final long thresholdBytes;
    private final List<NodeUsage> nodes = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private Timers.Cancellable timer = Timers.Cancellable.NONE;
    private boolean closed;
    private long ticks;

    /**
     * @param seed what idle usage is drawn from
     * @param threshold the eviction hard threshold for memory.available, a quantity
     */
    public UsageModel(Timers timers, TimeScale scale, long seed, String threshold) {
        this.timers = timers;
        this.scale = scale;
        this.seed = seed;
        this.thresholdBytes = Quantity.bytes(threshold);
    }

    /** Registers a node with {@code memoryCapacity} (a quantity); before {@link #start}. */
    public NodeUsage node(String name, String memoryCapacity) {
        NodeUsage n = new NodeUsage(name, Quantity.bytes(memoryCapacity), this);
        nodes.add(n);
        return n;
    }

    public void start() {
        schedule();
    }

    private void schedule() {
        synchronized (lifecycle) {
            if (!closed) {
                timer = timers.after(Math.max(1, scale.millis(TICK)), this::tick);
            }
        }
    }

    private void tick() {
        long now = timers.nowMillis();
        long n = ticks++;
        boolean evictionPass = n % (EVICTION_INTERVAL.toMillis() / TICK.toMillis()) == 0 && n > 0;
        for (NodeUsage node : nodes) {
            node.tick(now, evictionPass);
        }
        schedule();
    }

    long seed() {
        return seed;
    }

    long thresholdBytes() {
        return thresholdBytes;
    }

    /** Simulated milliseconds from {@code fromMillis} to {@code nowMillis} (both the simulator's clock). */
    long simulatedSince(long fromMillis, long nowMillis) {
        return scale.unscaledMillis(Math.max(0, nowMillis - fromMillis));
    }

    /** Runs a kill or eviction after the tick, on the timers. */
    void dispatch(Runnable task) {
        timers.execute(task);
    }

    @Override
    public List<String> nodes() {
        return nodes.stream().map(NodeUsage::name).toList();
    }

    @Override
    public Optional<NodeSnapshot> node(String node) {
        return find(node).map(NodeUsage::snapshot);
    }

    @Override
    public List<ContainerSnapshot> containers(String node) {
        return find(node).map(NodeUsage::containers).orElse(List.of());
    }

    private Optional<NodeUsage> find(String node) {
        return nodes.stream().filter(n -> n.name().equals(node)).findFirst();
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            timer.cancel();
        }
    }
}
