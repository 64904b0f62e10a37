package io.kubelite.kubelet.runtime;

import java.util.List;

/**
 * Kubernetes' remote-command stream protocol over a WebSocket
 * ({@code k8s.io/apimachinery/pkg/util/remotecommand}, {@code wsstream}): every binary
 * message starts with its channel — 0 stdin, 1 stdout, 2 stderr, 3 error (one
 * {@code metav1.Status} as JSON, then the connection closes), 4 resize (terminal size as
 * JSON) — and in {@code v5.channel.k8s.io} a message on channel 255 whose one byte names
 * a channel the client has closed (kubectl sends {@code [255, 0]} at the end of its stdin).
 */
public final class StreamProtocol {
    public static final String V5 = "v5.channel.k8s.io";
    public static final String V4 = "v4.channel.k8s.io";
    /** What kubelet-sim negotiates, the client's order deciding (kubectl 1.30+ offers only v5). */
    public static final List<String> SUBPROTOCOLS = List.of(V5, V4);

    public static final byte STDIN = 0;
    public static final byte STDOUT = 1;
    public static final byte STDERR = 2;
    public static final byte ERROR = 3;
    public static final byte RESIZE = 4;
    public static final byte CLOSE = (byte) 255;

    /** Largest payload per message: a big tar stream goes out in pieces. */
    public static final int MAX_PAYLOAD = 32 * 1024;

    private StreamProtocol() {}

    /** The Status of a command that exited 0. */
    public static String success() {
        return "{\"metadata\":{},\"status\":\"Success\"}";
    }

    /**
     * The Status of a command that exited non-zero, as the kubelet writes it: reason
     * {@code NonZeroExitCode}, the code as cause {@code ExitCode} — from which kubectl
     * prints {@code command terminated with exit code N} and exits N.
     */
    public static String exitCode(List<String> command, int code) {
        String message = "command terminated with non-zero exit code: error executing command " + command
                + ", exit code " + code;
        return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message)
                + ",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                + code + "\"}]}}";
    }

    /** An internal error (the command could not run), HTTP 500 in the Status. */
    public static String internalError(String message) {
        return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message)
                + ",\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":" + quote(message)
                + "}]},\"code\":500}";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
