package io.kubelite.kubelet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare SPDY/3.1 client for protocol tests: one HTTP/1.1 request with the headers the test
 * chooses, the answer's status line, headers and (when it is no 101) body, then SPDY frames
 * both ways through Netty's codec in an {@link EmbeddedChannel} (header blocks zlib-compressed
 * with the SPDY dictionary, as client-go's framer does).
 */
final class SpdyTestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final int status;
    private final Map<String, List<String>> headers;
    private final String body;
    private int nextStreamId = 1;

    private SpdyTestClient(Socket socket, int status, Map<String, List<String>> headers, String body)
            throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** {@code POST pathAndQuery} with {@code headerLines} ({@code Name: value}) and no body. */
    static SpdyTestClient request(String apiUrl, String pathAndQuery, List<String> headerLines) throws IOException {
        URI u = URI.create(apiUrl);
        Socket s = new Socket(u.getHost(), u.getPort());
        s.setSoTimeout(10_000);
        StringBuilder req =
                new StringBuilder("POST " + pathAndQuery + " HTTP/1.1\r\nHost: " + u.getAuthority() + "\r\n");
        headerLines.forEach(h -> req.append(h).append("\r\n"));
        req.append("Content-Length: 0\r\n\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String body = "";
        if (status != 101) {
            int length = Integer.parseInt(
                    headers.getOrDefault("content-length", List.of("0")).get(0));
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        return new SpdyTestClient(s, status, headers, body);
    }

    int status() {
        return status;
    }

    /** Every value of the response header {@code name}, in order. */
    List<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    String body() {
        return body;
    }

    /** Opens the next client stream with {@code streamtype: type}; its id. */
    int open(String type) {
        int id = nextStreamId;
        nextStreamId += 2;
        SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        syn.headers().set("streamtype", type);
        send(syn);
        return id;
    }

    /** DATA on {@code streamId}, with FIN when {@code last}. */
    void data(int streamId, String text, boolean last) {
        SpdyDataFrame f = new DefaultSpdyDataFrame(streamId, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        f.setLast(last);
        send(f);
    }

    void send(SpdyFrame frame) {
        codec.writeOutbound(frame);
        for (ByteBuf b = codec.readOutbound(); b != null; b = codec.readOutbound()) {
            try {
                out.write(ByteBufUtil.getBytes(b));
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                b.release();
            }
        }
        flush();
    }

    /** Raw bytes, whatever they are. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The next frame from the server; null at end of connection. Fails after {@code timeout}. */
    SpdyFrame next(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[16384];
        while (true) {
            Object f = codec.readInbound();
            if (f != null) {
                return (SpdyFrame) f;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no SPDY frame within " + timeout);
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return null; // reset
            }
            if (n < 0) {
                return null;
            }
            codec.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
    }

    /** What a whole session said: the text each stream carried, which ended (FIN), and the GOAWAY. */
    record Transcript(Map<Integer, String> data, List<Integer> finished, List<SpdyFrame> control) {
        String text(int streamId) {
            return data.getOrDefault(streamId, "");
        }

        SpdyGoAwayFrame goAway() {
            return control.stream()
                    .filter(SpdyGoAwayFrame.class::isInstance)
                    .map(SpdyGoAwayFrame.class::cast)
                    .findFirst()
                    .orElse(null);
        }
    }

    /** Reads frames until a GOAWAY or the end of the connection. */
    Transcript readToGoAway(Duration timeout) throws IOException {
        Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
        List<Integer> finished = new ArrayList<>();
        List<SpdyFrame> control = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SpdyFrame f = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                break;
            }
            if (f instanceof SpdyDataFrame d) {
                data.computeIfAbsent(d.streamId(), k -> new ByteArrayOutputStream())
                        .writeBytes(ByteBufUtil.getBytes(d.content()));
                if (d.isLast()) {
                    finished.add(d.streamId());
                }
                d.release();
            } else {
                control.add(f);
                if (f instanceof SpdyGoAwayFrame) {
                    break;
                }
            }
        }
        Map<Integer, String> text = new HashMap<>();
        data.forEach((id, b) -> text.put(id, b.toString(StandardCharsets.UTF_8)));
        return new Transcript(text, finished, control);
    }

    @Override
    public void close() throws IOException {
        codec.finishAndReleaseAll();
        socket.close();
    }
}
