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
 * timers samples every running container of every node once per housekeeping interval of
 * simulated time ({@link #DEFAULT_TICK} unless asked otherwise; no thread or timer per
 * container), and every {@link #EVICTION_INTERVAL} (or every tick, when the tick is longer)
 * runs each node's memory eviction pass. A tick's cost grows with the running containers (about
 * 2 µs each in a flight recording at 30,000 pods: a 1 s tick at 150,000 pods takes a third of a
 * core), which is why a large simulation may sample as seldom as the kubelet's cAdvisor does (10
 * s). Deterministic under its seed: a container's idle usage depends only on the seed, its
 * identity and the number of ticks since it started ({@link IdleUsage}).
 *
 * <p>Lifecycle: {@link #node} registers nodes; {@link #start} begins the ticks; {@link #close}
 * ends them. A tick is pure computation; the OOM kills and evictions it decides on run
 * afterwards as tasks of their own.
 */
public final class UsageModel implements UsageSnapshots, AutoCloseable {
    /**
     * How often usage is sampled (simulated time) unless asked otherwise: finer than the kubelet's
     * cAdvisor housekeeping (10 s), so that {@code kubectl top} and OOM kills follow a demo within
     * a second.
     */
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
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
    private final Duration tick;
    private final long ticksPerEvictionPass;
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
        this(timers, scale, seed, threshold, DEFAULT_TICK);
    }

    /**
     * @param tick how often usage is sampled (simulated time), at least 1 ms
     */
    public UsageModel(Timers timers, TimeScale scale, long seed, String threshold, Duration tick) {
        if (tick.toMillis() < 1) {
            throw new IllegalArgumentException("usage tick must be at least 1ms, not " + tick);
        }
        this.tick = tick;
        this.ticksPerEvictionPass = Math.max(1, EVICTION_INTERVAL.toMillis() / tick.toMillis());
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
                timer = timers.after(Math.max(1, scale.millis(tick)), this::tick);
            }
        }
    }

    private void tick() {
        long now = timers.nowMillis();
        long n = ticks++;
        boolean evictionPass = n % ticksPerEvictionPass == 0 && n > 0;
        for (NodeUsage node : nodes) {
            node.tick(now, evictionPass);
        }
        schedule();
    }

    /** How often usage is sampled (simulated time). */
    Duration tickInterval() {
        return tick;
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
