package io.kubelite.store.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class in a new JVM on this JVM's class path (the {@code java} of
 * {@code java.home}), for tests and benchmarks that need a component as a real process:
 * to SIGKILL or pause it, restart it, or measure it. The caller sets redirects and the
 * environment on the returned builder and owns the process it starts.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** {@code java <jvmArgs> -cp <this class path> <main> <args>}, not started. */
    public static ProcessBuilder builder(List<String> jvmArgs, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }
}
