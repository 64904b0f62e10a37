package io.kubelite.kubelet.pod;

import io.kubelite.api.Container;
import io.kubelite.kubelet.runtime.ContainerLog;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The message of a terminated container, as the kubelet's getTerminationMessage and
 * readLastStringFromContainerLogs make it: the last 4096 bytes of the file at the container's
 * {@code terminationMessagePath} (default {@code /dev/termination-log}) in its filesystem; with
 * {@code terminationMessagePolicy: FallbackToLogsOnError}, a non-zero exit and no or an empty file,
 * the last 80 lines of its log, at most 2048 bytes of them. The kubelet creates the file empty
 * before the container starts ({@link #prepare}). Pure functions of the instance.
 */
final class TerminationMessage {
    /** kube's MaxContainerTerminationMessageLength. */
    static final int MAX_FILE_BYTES = 4096;
    /** kube's MaxContainerTerminationMessageLogLines. */
    static final int MAX_LOG_LINES = 80;
    /** kube's MaxContainerTerminationMessageLogLength. */
    static final int MAX_LOG_BYTES = 2048;

    static final String DEFAULT_PATH = "/dev/termination-log";
    static final String FALLBACK_TO_LOGS = "FallbackToLogsOnError";

    private TerminationMessage() {}

    /** The path the message is read from: the spec's, else kube's default (a pod written without the API defaults). */
    static String path(Container spec) {
        return spec.getTerminationMessagePath().isEmpty() ? DEFAULT_PATH : spec.getTerminationMessagePath();
    }

    /** Creates the message file empty in a new instance, as the kubelet's bind mount of it does. */
    static void prepare(SimContainer c) {
        SimulatedFilesystem fs = c.filesystem();
        String path = path(c.spec());
        if (!fs.exists(path)) {
            fs.write(path, "", false);
        }
    }

    /** The message of instance {@code c}, which exited with {@code exitCode}; empty when there is none. */
    static String of(SimContainer c, int exitCode) {
        byte[] file = c.filesystem().readBytes(path(c.spec()));
        if (file != null && file.length > 0) {
            return new String(lastBytes(file, MAX_FILE_BYTES), StandardCharsets.UTF_8);
        }
        if (exitCode != 0 && FALLBACK_TO_LOGS.equals(c.spec().getTerminationMessagePolicy())) {
            return fromLog(c.log());
        }
        return "";
    }

    /** The first 2048 bytes of the log's last 80 lines, each with its newline, as the kubelet's limited log read gives them. */
    static String fromLog(ContainerLog log) {
        List<ContainerLog.Line> lines = log.tail(MAX_LOG_LINES);
        StringBuilder text = new StringBuilder();
        for (ContainerLog.Line l : lines) {
            text.append(l.text()).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_LOG_BYTES) {
            return text.toString();
        }
        return new String(Arrays.copyOf(bytes, MAX_LOG_BYTES), StandardCharsets.UTF_8);
    }

    private static byte[] lastBytes(byte[] b, int max) {
        return b.length <= max ? b : Arrays.copyOfRange(b, b.length - max, b.length);
    }
}
