package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.Input;
import io.kubelite.kubelet.shell.Output;
import io.kubelite.kubelet.shell.ShellProcess;
import io.kubelite.kubelet.shell.ShellSyntaxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code exec}: a command run by the simulated shell inside a container (its
 * filesystem, environment and hostname), its streams carried over one WebSocket in the
 * remote-command protocol ({@link StreamProtocol}). stdin arrives on channel 0 (through a
 * {@link TtyDiscipline} with {@code tty}), output leaves on 1 and 2 (both on 1 with a tty);
 * at exit the Status — success, or {@code NonZeroExitCode} with the code — goes on channel
 * 3 and the connection closes. The client hanging up kills the command. The shell runs on
 * the simulator's scheduler, never on the event loop.
 */
final class ExecSession {
    private final ServerWebSocket ws;
    private final SimContainer container;
    private final List<String> command;
    private final StreamOptions streams;
    private final ChannelWriter writer;
    private final StdinQueue stdin;
    private final TtyDiscipline tty;
    private volatile ShellProcess process;
    /** The container ending ends the exec, as the runtime kills a container's processes (137). */
    private final Runnable containerExited = this::containerExited;

    private ExecSession(ServerWebSocket ws, SimContainer container, List<String> command, StreamOptions streams) {
        this.ws = ws;
        this.container = container;
        this.command = command;
        this.streams = streams;
        this.writer = new ChannelWriter(ws);
        this.stdin = streams.stdin() ? new StdinQueue() : null;
        this.tty = streams.tty() && stdin != null
                ? new TtyDiscipline(stdin, writer.output(StreamProtocol.STDOUT, false))
                : null;
    }

    /** Starts {@code command} in {@code container} with the session on {@code ws}. */
    static void start(ServerWebSocket ws, SimContainer container, List<String> command, StreamOptions streams) {
        new ExecSession(ws, container, command, streams).start();
    }

    private void start() {
        Output out = streams.stdout() ? writer.output(StreamProtocol.STDOUT, streams.tty()) : Output.DISCARD;
        Output err =
                streams.tty() ? out : streams.stderr() ? writer.output(StreamProtocol.STDERR, false) : Output.DISCARD;
        ws.binaryMessageHandler(this::onMessage);
        ws.closeHandler(v -> hangUp());
        ws.exceptionHandler(e -> hangUp());
        container.whenExited(containerExited);
        ShellProcess.Config cfg = container.execConfig(out, err, stdin != null ? stdin : Input.EMPTY, streams.tty());
        container.runOnScheduler(() -> {
            ShellProcess p;
            try {
                p = ShellProcess.forArgv(command, cfg);
            } catch (ShellSyntaxException e) {
                err.write(e.getMessage() + "\n");
                writer.end(StreamProtocol.exitCode(command, 2));
                return;
            }
            process = p;
            if (writer.ended()) {
                return; // the client went away before the command started
            }
            p.start(code -> {
                container.unwatchExit(containerExited);
                writer.end(code == 0 ? StreamProtocol.success() : StreamProtocol.exitCode(command, code));
            });
        });
    }

    private void onMessage(Buffer msg) {
        if (msg.length() == 0 || stdin == null) {
            return;
        }
        byte channel = msg.getByte(0);
        byte[] data = msg.getBytes(1, msg.length());
        if (channel == StreamProtocol.STDIN) {
            if (tty != null) {
                tty.input(data);
            } else {
                stdin.offer(data);
            }
        } else if (channel == StreamProtocol.CLOSE && Arrays.equals(data, new byte[] {StreamProtocol.STDIN})) {
            stdin.close();
        }
        // RESIZE: the simulated terminal has no size
    }

    private void containerExited() {
        ShellProcess p = process;
        if (p != null) {
            p.kill();
        }
        writer.end(StreamProtocol.exitCode(command, 137));
    }

    private void hangUp() {
        container.unwatchExit(containerExited);
        if (stdin != null) {
            stdin.close();
        }
        writer.end(StreamProtocol.success()); // no-op after a normal end; otherwise just marks it ended
        ShellProcess p = process;
        if (p != null && !p.isDone()) {
            p.kill();
        }
    }
}
