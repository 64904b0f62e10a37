package io.kubelite.store.runtime;

import io.kubelite.store.Etcd;
import io.kubelite.store.runtime.mirror.MirrorPodPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What a {@link Component} gets from the runtime: the shared etcd connection, the
 * parsed flags, the process's meter registry and readiness checks, its identity, and a
 * way to report a fatal error. Everything here is owned by {@link ComponentMain}; a
 * component must not close the etcd connection or the registry.
 */
public final class ComponentContext {
    private final String componentName;
    private final String identity;
    private final Etcd etcd;
    private final CommonOptions options;
    private final MeterRegistry meterRegistry;
    private final ReadinessChecks readiness;
    private final BiConsumer<String, Throwable> onFatal;
    private final MirrorPodPublisher mirrorPods;

    /**
     * Public so component tests can build one; {@code onFatal} receives
     * {@link #fatal(String, Throwable)} calls.
     */
    public ComponentContext(
            String componentName,
            String identity,
            Etcd etcd,
            CommonOptions options,
            MeterRegistry meterRegistry,
            ReadinessChecks readiness,
            BiConsumer<String, Throwable> onFatal) {
        this(componentName, identity, etcd, options, meterRegistry, readiness, onFatal, null);
    }

    /** As above, with the process's mirror pod publisher (null: none). */
    public ComponentContext(
            String componentName,
            String identity,
            Etcd etcd,
            CommonOptions options,
            MeterRegistry meterRegistry,
            ReadinessChecks readiness,
            BiConsumer<String, Throwable> onFatal,
            MirrorPodPublisher mirrorPods) {
        this.mirrorPods = mirrorPods;
        this.componentName = Objects.requireNonNull(componentName, "componentName");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.options = Objects.requireNonNull(options, "options");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
    }

    public String componentName() {
        return componentName;
    }

    /** This process's identity ({@code --id}), also its leader-election candidate name. */
    public String identity() {
        return identity;
    }

    public Etcd etcd() {
        return etcd;
    }

    public CommonOptions options() {
        return options;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public ReadinessChecks readiness() {
        return readiness;
    }

    /**
     * The publisher of this process's mirror pod, to which a component adds the mirror pods
     * of what it runs or watches (the API server: the etcd members); empty with
     * {@code --mirror-pod=false}. Owned by the runtime.
     */
    public Optional<MirrorPodPublisher> mirrorPods() {
        return Optional.ofNullable(mirrorPods);
    }

    /**
     * Reports an error the component cannot recover from; the process shuts down in
     * order (the component's close included, on another thread) and exits with code 1.
     * Returns at once; safe to call from any thread, more than once.
     */
    public void fatal(String reason, Throwable cause) {
        onFatal.accept(reason, cause);
    }
}
