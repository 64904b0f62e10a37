package io.kubelite.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.apiserver.Codec;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyProtocolException;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.internal.net.NetSocketInternal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SPDY/3.1 exec or attach connection joined to the kubelet's WebSocket
 * ({@code v5.channel.k8s.io}): what kube-apiserver's stream translator does, the other way
 * round. The client opens one stream per channel with a SYN_STREAM whose {@code streamtype}
 * header names it ({@code error}, {@code stdin}, {@code stdout}, {@code stderr},
 * {@code resize}); each is answered with a SYN_REPLY at once, as the kubelet does, and once
 * every stream the request's flags call for exists (the kubelet's count: error always, stdin,
 * stdout, stderr unless there is a terminal, resize with a terminal from v3), what the kubelet
 * said meanwhile is delivered and the two sides are joined:
 *
 * <ul>
 *   <li>stdin DATA becomes channel 0, its half-close (FIN) or RST the v5 close signal
 *       {@code [255, 0]}; each JSON line on the resize stream becomes a channel 4 message;
 *   <li>channels 1 and 2 become DATA on stdout and stderr; the channel 3 Status goes on the
 *       error stream as JSON from v4, as its message text (nothing on success) before;
 *   <li>when the kubelet closes, every stream is half-closed (FIN), a GOAWAY follows and the
 *       client has {@link #LINGER_MS} to hang up before the connection is closed; a kubelet
 *       gone without a Status leaves an InternalError one;
 *   <li>the client hanging up closes the kubelet's WebSocket, which ends the command.
 * </ul>
 *
 * <p>PINGs the client starts (odd ids) are echoed; SETTINGS, WINDOW_UPDATE and HEADERS are
 * ignored, and flow-control windows are neither sent nor enforced, as kube's SPDY stack
 * (spdystream) does: back-pressure is TCP's. A stream id that is not new and odd, invalid
 * header names, an unknown or repeated {@code streamtype} is refused with RST_STREAM; a
 * frame that does not parse or a header block that does not decompress ends this
 * connection with GOAWAY (PROTOCOL_ERROR), and only this one. A client that has not opened its streams within
 * {@link #STREAM_CREATION_TIMEOUT_MS} is disconnected, as the kubelet's stream creation
 * timeout does. Everything runs on the request's event loop; nothing blocks.
 */
final class SpdyStreamRelay {
    private static final Logger LOG = LoggerFactory.getLogger(SpdyStreamRelay.class);

    /** The kubelet's default {@code streamCreationTimeout}. */
    static final long STREAM_CREATION_TIMEOUT_MS = 30_000;
    /** After the last stream's FIN and the GOAWAY: the client's time to hang up itself. */
    static final long LINGER_MS = 5_000;
    /** Output held before the client's streams exist; beyond it the kubelet is paused. */
    private static final int HOLD_LIMIT = 1 << 20;
    /** A resize line longer than this is no terminal size: dropped. */
    private static final int MAX_RESIZE_LINE = 4096;

    private static final byte STDIN = 0;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte ERROR = 3;
    private static final byte RESIZE = 4;
    private static final byte CLOSE = (byte) 255;

    /** A stream's {@code streamtype}. */
    enum StreamType {
        ERROR,
        STDIN,
        STDOUT,
        STDERR,
        RESIZE;

        String header() {
            return name().toLowerCase(Locale.ROOT);
        }

        static StreamType named(String header) {
            for (StreamType t : values()) {
                if (t.header().equals(header)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One client stream: whether we may still write to it, and whether the client may. */
    private static final class Stream {
        final int id;
        final StreamType type;
        boolean localOpen = true;
        boolean remoteOpen = true;

        Stream(int id, StreamType type) {
            this.id = id;
            this.type = type;
        }
    }

    private final EventLoop loop;
    private final WebSocket kubelet;
    private final SpdyStreamProtocol protocol;
    private final Set<StreamType> expected;
    private final String what;
    private final Map<StreamType, Stream> streams = new EnumMap<>(StreamType.class);
    private final Map<Integer, Stream> byId = new HashMap<>();
    private final List<Buffer> held = new ArrayList<>();
    private final ByteArrayOutputStream resizeLine = new ByteArrayOutputStream();
    private NetSocketInternal client;
    private int heldBytes;
    private volatile int lastStreamId;
    private boolean ready;
    private boolean kubeletPaused;
    private boolean kubeletDone;
    private boolean statusSeen;
    private boolean clientGoingAway;
    private boolean finished;
    private boolean closed;
    private ScheduledFuture<?> timer;

    /**
     * Starts reading the kubelet's side at once (it is held until the client's streams
     * exist). {@code loop} is the request's event loop: everything happens there.
     */
    SpdyStreamRelay(
            EventLoop loop,
            WebSocket kubelet,
            SpdyStreamProtocol protocol,
            boolean stdin,
            boolean stdout,
            boolean stderr,
            boolean tty,
            String what) {
        this.loop = loop;
        this.kubelet = kubelet;
        this.protocol = protocol;
        this.what = what;
        this.expected = expectedStreams(protocol, stdin, stdout, stderr, tty);
        kubelet.binaryMessageHandler(m -> onLoop(() -> fromKubelet(m)));
        kubelet.closeHandler(v -> onLoop(() -> kubeletClosed(kubelet.closeStatusCode(), kubelet.closeReason())));
        kubelet.exceptionHandler(e -> onLoop(() -> kubeletClosed((short) 1011, e.toString())));
    }

    /** The streams the kubelet waits for: error, and one per flag; stderr rides on stdout with a terminal. */
    static Set<StreamType> expectedStreams(
            SpdyStreamProtocol protocol, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        Set<StreamType> s = EnumSet.of(StreamType.ERROR);
        if (stdin) {
            s.add(StreamType.STDIN);
        }
        if (stdout) {
            s.add(StreamType.STDOUT);
        }
        if (stderr && !tty) {
            s.add(StreamType.STDERR);
        }
        if (tty && protocol.resize()) {
            s.add(StreamType.RESIZE);
        }
        return s;
    }

    /** The client's connection is upgraded (101 sent): SPDY framing from now on. */
    void attach(NetSocketInternal socket) {
        onLoop(() -> {
            client = socket;
            ChannelHandlerContext vertxHandler = socket.channelHandlerContext();
            ChannelPipeline pipeline = vertxHandler.pipeline();
            pipeline.addBefore(vertxHandler.name(), "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
            pipeline.addBefore(vertxHandler.name(), "spdy-frame-errors", new FrameErrors());
            socket.messageHandler(this::onFrame);
            socket.closeHandler(v -> onLoop(this::clientClosed));
            socket.exceptionHandler(e -> LOG.debug("{}: SPDY client connection: {}", what, e.toString()));
            timer = loop.schedule(
                    () -> guarded(this::streamsTimedOut), STREAM_CREATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        });
    }

    /** The client went away before its upgrade completed. */
    void abandon() {
        onLoop(() -> {
            closed = true;
            held.clear();
            closeKubelet((short) 1001, "client gone");
        });
    }

    // ---- the client's frames

    private void onFrame(Object msg) {
        onLoop(() -> {
            try {
                if (!closed) {
                    frame(msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    private void frame(Object msg) {
        if (msg instanceof SpdySynStreamFrame f) {
            synStream(f);
        } else if (msg instanceof SpdyDataFrame f) {
            data(f);
        } else if (msg instanceof SpdyRstStreamFrame f) {
            Stream s = byId.get(f.streamId());
            if (s != null) {
                s.localOpen = false;
                remoteEnded(s);
            }
        } else if (msg instanceof SpdyPingFrame f) {
            if ((f.id() & 1) == 1) {
                client.writeMessage(new DefaultSpdyPingFrame(f.id()));
            }
        } else if (msg instanceof SpdyGoAwayFrame) {
            clientGoingAway = true;
        }
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (no flow control, as in spdystream)
    }

    private void synStream(SpdySynStreamFrame f) {
        int id = f.streamId();
        if ((id & 1) == 0 || id <= lastStreamId) {
            rst(id, SpdyStreamStatus.PROTOCOL_ERROR);
            return;
        }
        lastStreamId = id;
        if (f.isInvalid() || f.isTruncated()) {
            rst(id, SpdyStreamStatus.PROTOCOL_ERROR);
            return;
        }
        StreamType type = StreamType.named(f.headers().getAsString("streamtype"));
        if (type == null || streams.containsKey(type) || finished || clientGoingAway) {
            LOG.debug("{}: refusing SPDY stream {} ({})", what, id, f.headers().getAsString("streamtype"));
            rst(id, SpdyStreamStatus.REFUSED_STREAM);
            return;
        }
        Stream s = new Stream(id, type);
        streams.put(type, s);
        byId.put(id, s);
        // a header block with no header is empty on the wire, and Go's SPDY framer refuses an
        // empty block: the reply names the stream's type back
        SpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
        reply.headers().set("streamtype", type.header());
        client.writeMessage(reply);
        if (f.isUnidirectional()) {
            s.localOpen = false;
        }
        if (f.isLast()) {
            remoteEnded(s);
        }
        if (!ready && streams.keySet().containsAll(expected)) {
            ready();
        }
    }

    private void data(SpdyDataFrame f) {
        Stream s = byId.get(f.streamId());
        if (s == null) {
            rst(f.streamId(), SpdyStreamStatus.INVALID_STREAM);
            return;
        }
        if (!s.remoteOpen) {
            rst(f.streamId(), SpdyStreamStatus.STREAM_ALREADY_CLOSED);
            return;
        }
        if (f.content().isReadable()) {
            byte[] bytes = ByteBufUtil.getBytes(f.content());
            if (s.type == StreamType.STDIN) {
                toKubelet(STDIN, bytes);
            } else if (s.type == StreamType.RESIZE) {
                resize(bytes);
            }
        }
        if (f.isLast()) {
            remoteEnded(s);
        }
    }

    private void remoteEnded(Stream s) {
        if (!s.remoteOpen) {
            return;
        }
        s.remoteOpen = false;
        if (s.type == StreamType.STDIN) {
            toKubelet(CLOSE, new byte[] {STDIN});
        }
    }

    /** client-go writes one JSON terminal size per line ({@code json.Encoder}). */
    private void resize(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                byte[] line = resizeLine.toByteArray();
                resizeLine.reset();
                if (line.length > 0) {
                    toKubelet(RESIZE, line);
                }
            } else if (resizeLine.size() < MAX_RESIZE_LINE) {
                resizeLine.write(b);
            }
        }
    }

    private void toKubelet(byte channel, byte[] data) {
        if (kubeletDone || kubelet.isClosed()) {
            return;
        }
        kubelet.writeBinaryMessage(
                Buffer.buffer(data.length + 1).appendByte(channel).appendBytes(data));
        if (kubelet.writeQueueFull()) {
            client.pause();
            kubelet.drainHandler(v -> onLoop(() -> {
                if (!closed) {
                    client.resume();
                }
            }));
        }
    }

    private void rst(int id, SpdyStreamStatus status) {
        client.writeMessage(new DefaultSpdyRstStreamFrame(id, status));
    }

    // ---- the kubelet's messages

    private void fromKubelet(Buffer m) {
        if (closed) {
            return;
        }
        if (!ready) {
            held.add(m);
            heldBytes += m.length();
            if (heldBytes > HOLD_LIMIT && !kubeletPaused) {
                kubeletPaused = true;
                kubelet.pause();
            }
            return;
        }
        deliver(m);
    }

    private void deliver(Buffer m) {
        if (m.length() == 0) {
            return;
        }
        byte[] payload = m.getBytes(1, m.length());
        switch (m.getByte(0)) {
            case STDOUT -> toClient(StreamType.STDOUT, payload);
            case STDERR -> toClient(StreamType.STDERR, payload);
            case ERROR -> status(payload);
            default -> {
                // nothing else comes from the kubelet
            }
        }
    }

    /** The command's Status: JSON from v4, before that its message, and nothing on success. */
    private void status(byte[] json) {
        statusSeen = true;
        toClient(StreamType.ERROR, protocol.jsonStatus() ? json : statusMessage(json));
    }

    static byte[] statusMessage(byte[] json) {
        try {
            JsonNode status = Codec.MAPPER.readTree(json);
            if ("Success".equals(status.path("status").asText())) {
                return new byte[0];
            }
            return status.path("message").asText().getBytes(StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return json;
        }
    }

    private void toClient(StreamType type, byte[] data) {
        Stream s = streams.get(type);
        if (s == null || !s.localOpen || data.length == 0 || client == null) {
            return;
        }
        client.writeMessage(new DefaultSpdyDataFrame(s.id, Unpooled.wrappedBuffer(data)));
        if (client.writeQueueFull() && !kubeletPaused) {
            kubeletPaused = true;
            kubelet.pause();
            client.drainHandler(v -> onLoop(this::resumeKubelet));
        }
    }

    private void resumeKubelet() {
        if (kubeletPaused && !closed) {
            kubeletPaused = false;
            kubelet.resume();
        }
    }

    private void kubeletClosed(Short code, String reason) {
        if (kubeletDone) {
            return;
        }
        if (!statusSeen && (code == null || (code != 1000 && code != 1005))) {
            // the kubelet went away mid-command: say so on the error stream rather than succeed
            String message = "error: the kubelet closed the stream (" + code + (reason == null ? "" : " " + reason)
                    + ") without the command's status";
            fromKubelet(Buffer.buffer()
                    .appendByte(ERROR)
                    .appendString("{\"metadata\":{},\"status\":\"Failure\",\"message\":"
                            + Codec.MAPPER.valueToTree(message) + ",\"reason\":\"InternalError\",\"code\":500}"));
        }
        kubeletDone = true;
        if (ready) {
            finish();
        }
    }

    // ---- lifecycle

    /** Every expected stream exists: deliver what was held and join the two sides. */
    private void ready() {
        ready = true;
        cancelTimer();
        List<Buffer> pending = new ArrayList<>(held);
        held.clear();
        heldBytes = 0;
        pending.forEach(this::deliver);
        resumeKubelet();
        if (kubeletDone) {
            finish();
        }
    }

    /** The command is over: FIN every stream, GOAWAY, and let the client hang up. */
    private void finish() {
        if (finished || closed) {
            return;
        }
        finished = true;
        for (Stream s : streams.values()) {
            if (s.localOpen) {
                s.localOpen = false;
                SpdyDataFrame fin = new DefaultSpdyDataFrame(s.id);
                fin.setLast(true);
                client.writeMessage(fin);
            }
        }
        client.writeMessage(new DefaultSpdyGoAwayFrame(lastStreamId, SpdySessionStatus.OK));
        timer = loop.schedule(() -> guarded(this::closeClient), LINGER_MS, TimeUnit.MILLISECONDS);
    }

    private void streamsTimedOut() {
        if (ready || closed) {
            return;
        }
        LOG.info(
                "{}: the SPDY client opened {} of the streams {} within {} ms; closing",
                what,
                streams.keySet(),
                expected,
                STREAM_CREATION_TIMEOUT_MS);
        client.writeMessage(new DefaultSpdyGoAwayFrame(lastStreamId, SpdySessionStatus.PROTOCOL_ERROR));
        closeClient();
    }

    private void closeClient() {
        if (client != null && !closed) {
            client.close();
        }
    }

    private void clientClosed() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        held.clear();
        closeKubelet(finished ? (short) 1000 : (short) 1001, finished ? "" : "client gone");
    }

    private void closeKubelet(short code, String reason) {
        if (!kubelet.isClosed()) {
            kubelet.close(code, reason);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onLoop(Runnable fn) {
        if (loop.inEventLoop()) {
            guarded(fn);
        } else {
            loop.execute(() -> guarded(fn));
        }
    }

    /** A failure here ends this connection and no other. */
    private void guarded(Runnable fn) {
        try {
            fn.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: SPDY session failed", what, e);
            if (client != null) {
                client.close();
            }
            clientClosed();
        }
    }

    /**
     * Sits between the SPDY codec and Vert.x: a frame that does not parse (the decoder then
     * drops the rest of the connection) gets GOAWAY with PROTOCOL_ERROR and a close.
     */
    private final class FrameErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof SpdyProtocolException || cause instanceof DecoderException) {
                LOG.debug("{}: bad SPDY frame from the client: {}", what, cause.toString());
                ctx.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId, SpdySessionStatus.PROTOCOL_ERROR))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }
    }
}
