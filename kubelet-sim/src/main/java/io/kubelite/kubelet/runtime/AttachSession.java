package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.Output;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Arrays;

/**
 * One {@code attach}: what the container's program writes from now on goes to the
 * client (channel 1; the simulated runtime does not keep stdout and stderr apart), and,
 * when the container has {@code stdin: true} and the client sends stdin, what the client
 * types goes to the program (through the container's {@link TtyDiscipline} when it has
 * {@code tty: true}). The session ends with a success Status when the container's
 * instance ends; with {@code stdinOnce} the program's stdin closes when the client
 * closes its stdin or detaches.
 */
final class AttachSession {
    private final ServerWebSocket ws;
    private final SimContainer container;
    private final StreamOptions streams;
    private final ChannelWriter writer;
    private final Output tap;
    private final TtyDiscipline tty;
    private final Runnable onExit;

    private AttachSession(ServerWebSocket ws, SimContainer container, StreamOptions streams) {
        this.ws = ws;
        this.container = container;
        this.streams = streams;
        this.writer = new ChannelWriter(ws);
        boolean containerTty = container.spec().getTty();
        this.tap = streams.stdout() || streams.stderr()
                ? writer.output(StreamProtocol.STDOUT, containerTty)
                : Output.DISCARD;
        this.tty = containerTty && streams.stdin() && container.stdin().isPresent()
                ? new TtyDiscipline(container.stdin().get(), writer.output(StreamProtocol.STDOUT, false))
                : null;
        this.onExit = () -> writer.end(StreamProtocol.success());
    }

    static void start(ServerWebSocket ws, SimContainer container, StreamOptions streams) {
        new AttachSession(ws, container, streams).start();
    }

    private void start() {
        container.addOutputTap(tap);
        ws.binaryMessageHandler(this::onMessage);
        ws.closeHandler(v -> detach());
        ws.exceptionHandler(e -> detach());
        container.whenExited(onExit);
    }

    private void onMessage(Buffer msg) {
        if (msg.length() == 0 || !streams.stdin() || container.stdin().isEmpty()) {
            return;
        }
        byte channel = msg.getByte(0);
        byte[] data = msg.getBytes(1, msg.length());
        if (channel == StreamProtocol.STDIN) {
            if (tty != null) {
                tty.input(data);
            } else {
                container.stdin().get().offer(data);
            }
        } else if (channel == StreamProtocol.CLOSE
                && Arrays.equals(data, new byte[] {StreamProtocol.STDIN})
                && container.spec().getStdinOnce()) {
            container.stdin().get().close();
        }
    }

    private void detach() {
        container.removeOutputTap(tap);
        container.unwatchExit(onExit);
        writer.end(StreamProtocol.success());
        if (streams.stdin() && container.spec().getStdinOnce()) {
            container.stdin().ifPresent(StdinQueue::close);
        }
    }
}
