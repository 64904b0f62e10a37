package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.usage.ProgramLoad;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The {@code stress} tool the Kubernetes docs' resource examples run ({@code polinux/stress}),
 * and {@code yes}, as simulated CPU and memory demand ({@link ProgramLoad}) rather than real work:
 *
 * <ul>
 *   <li>{@code stress --cpu N}: N workers spinning, N cores;</li>
 *   <li>{@code stress --vm N --vm-bytes B [--vm-hang S]}: N workers each holding B bytes
 *       (default 256M; suffixes b, k, m, g in powers of 1024, as stress reads them) and, without
 *       {@code --vm-hang}, spinning a core to re-touch them (a tenth of a core with it);</li>
 *   <li>{@code --io N} and {@code --hdd N} workers are counted in the banner and demand nothing;</li>
 *   <li>{@code --timeout T} (seconds, or with s, m, h, d, y): the run completes after T of
 *       simulated time, exit 0, else it runs until killed;</li>
 *   <li>{@code yes}: one core until killed; its endless "y" lines are not simulated (it is run as
 *       {@code yes > /dev/null}).</li>
 * </ul>
 *
 * Output follows stress 1.0.4: {@code stress: info: [1] dispatching hogs: 2 cpu, 0 io, 1 vm, 0 hdd}
 * and, after a timeout, {@code stress: info: [1] successful run completed in 10s}.
 */
final class StressCommand {
    /** How a builtin that takes time goes on: after {@code simulatedMillis}, or never for {@link Long#MAX_VALUE}. */
    @FunctionalInterface
    interface Wait {
        void after(long simulatedMillis, Runnable then);
    }

    static final long DEFAULT_VM_BYTES = 256L * 1024 * 1024;
    /** What a vm worker that sleeps between touches (--vm-hang) spends re-touching its memory. */
    static final double HANGING_VM_CORES = 0.1;

    private StressCommand() {}

    static void run(
            Object program,
            String name,
            List<String> args,
            Output out,
            Output err,
            ProgramLoad load,
            Wait wait,
            IntConsumer k) {
        if (name.equals("yes")) {
            load.demand(program, ProgramLoad.HOGS, 1, 0);
            wait.after(Long.MAX_VALUE, () -> k.accept(0));
            return;
        }
        int cpu = 0;
        int io = 0;
        int vm = 0;
        int hdd = 0;
        long vmBytes = DEFAULT_VM_BYTES;
        long hang = 0;
        long timeoutMillis = Long.MAX_VALUE;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String v = i + 1 < args.size() ? args.get(i + 1) : null;
                switch (a) {
                    case "-c", "--cpu" -> cpu = Integer.parseInt(need(a, v));
                    case "-i", "--io" -> io = Integer.parseInt(need(a, v));
                    case "-m", "--vm" -> vm = Integer.parseInt(need(a, v));
                    case "-d", "--hdd" -> hdd = Integer.parseInt(need(a, v));
                    case "--vm-bytes" -> vmBytes = bytes(need(a, v));
                    case "--vm-hang" -> hang = Long.parseLong(need(a, v));
                    case "-t", "--timeout" -> timeoutMillis = seconds(need(a, v)) * 1000;
                    case "--vm-stride", "--hdd-bytes", "--backoff" -> need(a, v);
                    case "--vm-keep", "-v", "--verbose", "-q", "--quiet", "-n", "--dry-run" -> {
                        continue; // flags without a value
                    }
                    default -> throw new IllegalArgumentException("unrecognized option '" + a + "'");
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            err.write("stress: FAIL: [1] (" + e.getMessage() + ")\n");
            k.accept(1);
            return;
        }
        if (cpu + io + vm + hdd == 0) {
            out.write("`stress' imposes certain types of compute stress on your system\n\n"
                    + "Usage: stress [OPTION [ARG]] ...\n");
            k.accept(1);
            return;
        }
        out.write(
                "stress: info: [1] dispatching hogs: " + cpu + " cpu, " + io + " io, " + vm + " vm, " + hdd + " hdd\n");
        double cores = cpu + vm * (hang > 0 ? HANGING_VM_CORES : 1);
        load.demand(program, ProgramLoad.HOGS, cores, vm * vmBytes);
        long timeout = timeoutMillis;
        wait.after(timeout, () -> {
            load.clear(program, ProgramLoad.HOGS);
            out.write("stress: info: [1] successful run completed in " + timeout / 1000 + "s\n");
            k.accept(0);
        });
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("option '" + option + "' requires an argument");
        }
        return value;
    }

    /** stress's byte sizes: a number with an optional b, k, m or g (either case), powers of 1024. */
    static long bytes(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid size " + s);
        }
        char u = Character.toLowerCase(s.charAt(s.length() - 1));
        long mult = switch (u) {
            case 'b' -> 1;
            case 'k' -> 1024;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 0;
        };
        String n = mult == 0 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(n) * (mult == 0 ? 1 : mult);
    }

    /** stress's durations: seconds, or a number with s, m, h, d or y. */
    static long seconds(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid time " + s);
        }
        char u = Character.toLowerCase(s.charAt(s.length() - 1));
        long mult = switch (u) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            case 'y' -> 31536000;
            default -> 0;
        };
        String n = mult == 0 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(n) * (mult == 0 ? 1 : mult);
    }
}
