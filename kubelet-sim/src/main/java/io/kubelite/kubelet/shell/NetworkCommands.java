package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.clock.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * The shell's network commands ({@code nslookup wget curl nc getent}) and what they run
 * against: the pod's {@link PodNetwork}, the container's files, the command's streams.
 *
 * <p>A command never holds a thread while the network answers: it issues a future and
 * continues in {@link Io#await}, which resumes on the shell's scheduler once the future is
 * done, and not at all once the process was killed (so a killed command writes nothing more).
 * In a command substitution ({@code $(wget -qO- ...)}), which the shell runs inline on the
 * calling thread, {@code await} instead waits for the future there, bounded by the command's
 * own timeout: that is the one place a network command blocks a thread.
 *
 * <p>A shell given no network at all ({@link PodNetwork#NONE}, the default) does not run these:
 * they follow its unknown-command policy as any other program it does not simulate, so an init
 * container's {@code until nslookup db; do sleep 2; done} still completes where no pod network
 * is wired.
 */
final class NetworkCommands {
    private NetworkCommands() {}

    /** Runs {@code name}; its exit code goes to {@code io}'s exit once. */
    static void run(String name, List<String> args, Io io) {
        io.guard(name, () -> {
            switch (name) {
                case "nslookup" -> NslookupCommand.run(args, io);
                case "wget" -> WgetCommand.run(args, io);
                case "curl" -> CurlCommand.run(args, io);
                case "nc" -> NcCommand.run(args, io);
                case "getent" -> GetentCommand.run(args, io);
                case "hostname" -> hostnameI(io);
                default -> throw new IllegalArgumentException(name);
            }
        });
    }

    /**
     * busybox's {@code hostname -i}: the addresses of the host's own name, each followed by a
     * space. The name is looked up in {@code /etc/hosts}, where the kubelet maps it to the pod
     * IP; a container whose hosts file does not name it (not yet written) gets the pod IP.
     */
    private static void hostnameI(Io io) {
        String ip = HostsFile.lookup(io.fs, io.hostname).orElse(io.network.podIp());
        if (ip.isEmpty()) {
            io.err.write("hostname: " + io.hostname + ": Unknown host\n");
            io.exit(1);
            return;
        }
        io.out.write(ip + " \n");
        io.exit(0);
    }

    /**
     * One network command's world. {@code later} continues on the shell's scheduler (doing
     * nothing once the process is killed); {@code inline} says the shell runs in a command
     * substitution, where continuing means running at once.
     */
    static final class Io {
        /** How much longer than its own timeout a wait is allowed, should a network not keep its word. */
        private static final long GRACE_MILLIS = 2_000;

        final PodNetwork network;
        final SimulatedFilesystem fs;
        final String hostname;
        final UnaryOperator<String> path;
        final Output out;
        final Output err;
        final StdinReader in;
        final TimeScale timeScale;
        final boolean tty;
        private final boolean inline;
        private final Consumer<Runnable> later;
        private final IntConsumer exit;
        private String command = "sh";

        Io(
                PodNetwork network,
                SimulatedFilesystem fs,
                String hostname,
                UnaryOperator<String> path,
                Output out,
                Output err,
                StdinReader in,
                TimeScale timeScale,
                boolean tty,
                boolean inline,
                Consumer<Runnable> later,
                IntConsumer exit) {
            this.network = network;
            this.fs = fs;
            this.hostname = hostname;
            this.path = path;
            this.out = out;
            this.err = err;
            this.in = in;
            this.timeScale = timeScale;
            this.tty = tty;
            this.inline = inline;
            this.later = later;
            this.exit = exit;
        }

        NameResolver resolver() {
            return new NameResolver(network, fs, timeScale);
        }

        /** Real time for {@code seconds} of simulated time (at least 1 ms). */
        Duration seconds(double seconds) {
            return Duration.ofMillis(Math.max(1, timeScale.millisOfSeconds(seconds)));
        }

        /** Simulated milliseconds since {@code startNanos} ({@link System#nanoTime}). */
        long simulatedMillisSince(long startNanos) {
            return timeScale.unscaledMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }

        /**
         * Continues with {@code then} once {@code f} is done: on the scheduler, or inline in a
         * command substitution. A future that fails, or outlives {@code bound}, gives
         * {@code fallback}.
         */
        <T> void await(CompletableFuture<T> f, Duration bound, T fallback, Consumer<T> then) {
            CompletableFuture<T> bounded = f.exceptionally(e -> fallback)
                    .completeOnTimeout(fallback, bound.toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
            if (inline) {
                T v;
                try {
                    v = bounded.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    v = fallback;
                } catch (ExecutionException e) {
                    v = fallback;
                }
                T value = v;
                guard(command, () -> then.accept(value));
            } else {
                bounded.thenAccept(v -> later.accept(() -> guard(command, () -> then.accept(v))));
            }
        }

        /** Reads all of stdin, then continues as {@link #await} does. */
        void readStdin(Consumer<byte[]> then) {
            if (inline) {
                // a command substitution's stdin is empty and answers at once
                in.readAll(b -> guard(command, () -> then.accept(b)));
            } else {
                in.readAll(b -> later.accept(() -> guard(command, () -> then.accept(b))));
            }
        }

        void exit(int code) {
            exit.accept(code);
        }

        /** Runs a step of {@code name}; a bug in it ends the command with a message, never escapes into the shell. */
        void guard(String name, Runnable step) {
            command = name;
            try {
                step.run();
            } catch (RuntimeException e) {
                err.write(name + ": " + e + "\n");
                exit.accept(1);
            }
        }
    }
}
