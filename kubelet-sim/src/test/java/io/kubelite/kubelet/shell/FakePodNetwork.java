package io.kubelite.kubelet.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A pod network in memory, for the shell's network commands: a cluster DNS server at
 * 10.96.0.10 answering from a small zone, HTTP and echo servers with canned answers, a
 * refusing and a silent destination, and one held connection the test releases. Every answer
 * arrives on another thread, as the real network's do; it records what was asked.
 */
final class FakePodNetwork implements PodNetwork {
    static final String DNS = "10.96.0.10";
    static final String DEAD_DNS = "10.96.0.99";
    static final String WEB = "10.96.0.12";
    static final String REFUSING = "10.96.0.13";
    static final String SILENT = "10.96.0.14";
    static final String HELD = "10.96.0.15";

    /** The zone: names with an A record. big is answered truncated over UDP, in full over TCP. */
    private static final Map<String, String> ZONE = Map.of(
            "web.default.svc.cluster.local.", WEB,
            "big.default.svc.cluster.local.", WEB,
            "refused.default.svc.cluster.local.", REFUSING,
            "silent.default.svc.cluster.local.", SILENT,
            "held.default.svc.cluster.local.", HELD);

    static final String INDEX = "<h1>hello</h1>\n";

    /** "udp A web.default.svc.cluster.local" for each DNS question, in order. */
    final List<String> queries = java.util.Collections.synchronizedList(new ArrayList<>());
    /** "ip:port" then the request text, for each TCP connection other than DNS. */
    final List<String> connections = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Completed by the test to answer the held connection. */
    final CompletableFuture<Reply> held = new CompletableFuture<>();

    private final Map<String, Function<byte[], byte[]>> servers = new ConcurrentHashMap<>();

    FakePodNetwork() {
        servers.put(WEB + ":80", FakePodNetwork::http);
        servers.put(
                WEB + ":7",
                req -> new String(req, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String podIp() {
        return "10.244.1.5";
    }

    @Override
    public CompletableFuture<Reply> tcp(String ip, int port, byte[] request, Duration timeout) {
        if (ip.equals(DNS) && port == 53) {
            int len = ((request[0] & 0xff) << 8) | (request[1] & 0xff);
            byte[] answer = dns(Arrays.copyOfRange(request, 2, 2 + len), "tcp");
            ByteBuffer framed = ByteBuffer.allocate(answer.length + 2);
            framed.putShort((short) answer.length).put(answer);
            return later(Reply.of(framed.array(), "dns over tcp"));
        }
        connections.add(ip + ":" + port + "\n" + new String(request, StandardCharsets.UTF_8));
        if (ip.equals(HELD)) {
            return held.thenApplyAsync(r -> r);
        }
        if (ip.equals(SILENT) || ip.equals(DEAD_DNS)) {
            return timedOut(timeout);
        }
        Function<byte[], byte[]> server = servers.get(ip + ":" + port);
        if (server == null) {
            return later(Reply.failed(Failure.REFUSED, "nothing listens on " + ip + ":" + port));
        }
        // a connect-only check (nc -z) sends nothing and reads nothing
        byte[] answer = request.length == 0 ? new byte[0] : server.apply(request);
        return later(Reply.of(answer, ip + ":" + port));
    }

    @Override
    public CompletableFuture<Reply> udp(String ip, int port, byte[] datagram, Duration timeout) {
        if (ip.equals(DNS) && port == 53) {
            return later(Reply.of(dns(datagram, "udp"), "dns"));
        }
        return timedOut(timeout);
    }

    private static CompletableFuture<Reply> later(Reply r) {
        return CompletableFuture.supplyAsync(() -> r);
    }

    private static CompletableFuture<Reply> timedOut(Duration timeout) {
        return CompletableFuture.supplyAsync(
                () -> Reply.failed(Failure.TIMED_OUT, "dropped"),
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private byte[] dns(byte[] wire, String transport) {
        try {
            Message q = new Message(wire);
            Record question = q.getQuestion();
            String name = question.getName().toString();
            queries.add(transport + " " + Type.string(question.getType()) + " " + name.substring(0, name.length() - 1));
            Message a = new Message(q.getHeader().getID());
            a.getHeader().setFlag(Flags.QR);
            a.getHeader().setFlag(Flags.AA);
            a.getHeader().setFlag(Flags.RD);
            a.getHeader().setFlag(Flags.RA);
            a.addRecord(question, Section.QUESTION);
            String ip = ZONE.get(name.toLowerCase());
            if (ip == null) {
                a.getHeader().setRcode(Rcode.NXDOMAIN);
            } else if (question.getType() == Type.A) {
                if (name.startsWith("big.") && transport.equals("udp")) {
                    a.getHeader().setFlag(Flags.TC); // too big for a datagram: ask again over TCP
                } else {
                    a.addRecord(
                            new ARecord(Name.fromString(name), DClass.IN, 5, InetAddress.getByName(ip)),
                            Section.ANSWER);
                }
            }
            return a.toWire();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The web server: / , /chunked, /old (301 to /new), /new, /empty, /short; 404 otherwise. */
    private static byte[] http(byte[] request) {
        String req = new String(request, StandardCharsets.UTF_8);
        String target = req.split(" ")[1];
        boolean head = req.startsWith("HEAD ");
        String resp = switch (target) {
            case "/", "/index.html" ->
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + INDEX.length() + "\r\n\r\n"
                        + (head ? "" : INDEX);
            case "/chunked" ->
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "6\r\nchunk \r\n7\r\nstream\n\r\n0\r\n\r\n";
            case "/old" -> "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n";
            case "/new" -> "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnew\n";
            case "/loop" -> "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n";
            case "/empty" -> "";
            case "/short" -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
            default -> "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n";
        };
        return resp.getBytes(StandardCharsets.UTF_8);
    }
}
