package io.kubelite.kubelet.runtime;

import io.kubelite.api.Container;
import io.kubelite.api.EnvVar;
import io.kubelite.kubelet.clock.TimeScale;
import io.kubelite.kubelet.clock.Timers;
import io.kubelite.kubelet.shell.ShellScripts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The simulated container runtime: decides from a container's spec what its program is
 * and creates {@link SimContainer} instances.
 *
 * <p>The program: {@code command} + {@code args} when a command is given; {@code args}
 * alone for a shell image (busybox, alpine, ubuntu, ...), whose entrypoint is empty; else
 * the image's default. A shell image's default is {@code sh}, which exits 0 at once
 * without a terminal (as in a real cluster: CrashLoopBackOff unless {@code stdin}/{@code tty});
 * any other image's default is a long-running server serving its declared ports (every
 * port when it declares none).
 */
public final class ContainerRuntime {
    public static final String RUNTIME_VERSION = "kubelite-sim://0.1.0";
    private static final Set<String> SHELL_IMAGES = Set.of(
            "busybox",
            "alpine",
            "ubuntu",
            "debian",
            "centos",
            "fedora",
            "bash",
            "rockylinux",
            "almalinux",
            "archlinux",
            "amazonlinux",
            "opensuse",
            "photon",
            "oraclelinux");

    private final Timers timers;
    private final TimeScale scale;
    private final ContainerLogStore logs;
    private final RunningContainers containers;
    /** The scripts its containers' programs run, parsed once for all that run the same one. */
    private final ShellScripts scripts = new ShellScripts();
    /** Set once at start-up, before any pod runs; volatile so pod workers see it. */
    private volatile io.kubelite.kubelet.logging.LogCapture logCapture = io.kubelite.kubelet.logging.LogCapture.NONE;

    public ContainerRuntime(Timers timers, TimeScale scale, ContainerLogStore logs) {
        this(timers, scale, logs, new RunningContainers());
    }

    public ContainerRuntime(Timers timers, TimeScale scale, ContainerLogStore logs, RunningContainers containers) {
        this.timers = timers;
        this.scale = scale;
        this.logs = logs;
        this.containers = containers;
    }

    public Timers timers() {
        return timers;
    }

    public TimeScale scale() {
        return scale;
    }

    public ContainerLogStore logs() {
        return logs;
    }

    /** Where every new container instance's output is also captured (the node log agents). */
    public void captureLogsWith(io.kubelite.kubelet.logging.LogCapture capture) {
        this.logCapture = capture;
    }

    public io.kubelite.kubelet.logging.LogCapture logCapture() {
        return logCapture;
    }

    /** The current instance of each container: what exec and attach reach. */
    public RunningContainers containers() {
        return containers;
    }

    /** Identifies a pod to the runtime. */
    public record PodRef(String namespace, String name, String uid, String hostname) {}

    /**
     * A new (not yet started) instance. {@code id} and {@code startedAt} are given when
     * resuming a container a previous simulator process started; null/0 for a new one.
     */
    public SimContainer create(
            PodRef pod, Container spec, boolean init, Behaviour behaviour, String id, long startedAt) {
        Map<String, String> literal = new LinkedHashMap<>();
        for (EnvVar e : spec.getEnvList()) {
            literal.put(e.getName(), e.getValue());
        }
        return create(pod, spec, literal, init, behaviour, id, startedAt);
    }

    /**
     * A new (not yet started) instance whose environment is {@code env} (what the kubelet resolved
     * from the spec) over the image's (PATH, HOSTNAME, HOME), and whose {@code command}/{@code args}
     * are the spec's, already expanded.
     */
    public SimContainer create(
            PodRef pod,
            Container spec,
            Map<String, String> env,
            boolean init,
            Behaviour behaviour,
            String id,
            long startedAt) {
        List<String> argv = null;
        boolean imageDefault = false;
        boolean exitsAtOnce = false;
        if (spec.getCommandCount() > 0) {
            argv = new ArrayList<>(spec.getCommandList());
            argv.addAll(spec.getArgsList());
        } else if (spec.getArgsCount() > 0 && isShellImage(spec.getImage())) {
            argv = new ArrayList<>(spec.getArgsList());
        } else if (isShellImage(spec.getImage()) && spec.getStdin() && behaviour.exitCode() == null) {
            argv = List.of("sh"); // a shell reading the container's stdin: what attach talks to
        } else {
            imageDefault = true;
            exitsAtOnce =
                    isShellImage(spec.getImage()) && !spec.getStdin() && !spec.getTty() && behaviour.exitCode() == null;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("HOSTNAME", pod.hostname());
        environment.put("HOME", "/root");
        // interned: every container of a namespace gets the same service variables, spelt anew for each
        env.forEach((k, v) -> environment.put(k.intern(), v.intern()));
        ContainerLog log = logs.newInstance(pod.namespace(), pod.name(), pod.uid(), spec.getName());
        SimContainer instance = new SimContainer(
                id != null ? id : newContainerId(),
                spec,
                init,
                behaviour,
                argv,
                imageDefault,
                exitsAtOnce,
                log,
                CompactEnvironment.of(environment),
                timers,
                scale,
                pod.hostname(),
                scripts,
                startedAt > 0 ? startedAt : timers.nowMillis());
        containers.put(pod.namespace(), pod.name(), pod.uid(), spec.getName(), instance);
        return instance;
    }

    public static boolean isShellImage(String image) {
        return SHELL_IMAGES.contains(repositoryBasename(image));
    }

    private static String repositoryBasename(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            s = s.substring(0, colon);
        }
        return slash >= 0 ? s.substring(slash + 1) : s;
    }

    /** containerd's spelling of an image reference: {@code nginx} → {@code docker.io/library/nginx:latest}. */
    public static String normalizeImage(String image) {
        String s = image;
        String digest = "";
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at);
            s = s.substring(0, at);
        }
        int slash = s.indexOf('/');
        String first = slash < 0 ? "" : s.substring(0, slash);
        boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (!hasRegistry) {
            s = (slash < 0 ? "docker.io/library/" : "docker.io/") + s;
        }
        int lastSlash = s.lastIndexOf('/');
        if (digest.isEmpty() && s.indexOf(':', lastSlash) < 0) {
            s = s + ":latest";
        }
        // interned: it is in every container's status, and in its pod's copy of that status
        return (s + digest).intern();
    }

    /** {@code repo@sha256:<digest>}, the digest derived from the image name (stable across restarts). */
    public static String imageId(String image) {
        String n = normalizeImage(image);
        int colon = n.lastIndexOf(':');
        String repo = colon > n.lastIndexOf('/') ? n.substring(0, colon) : n;
        if (repo.contains("@")) {
            return repo;
        }
        // interned: every container of an image reports the same id, in its status and the pod's
        return (repo + "@sha256:" + sha256(n)).intern();
    }

    public static String newContainerId() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return "containerd://" + HexFormat.of().formatHex(b);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
