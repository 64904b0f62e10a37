package io.kubelite.kubelet.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * One DNS question to one nameserver through the pod's network: a UDP datagram to port 53
 * and, when the answer comes back truncated (TC), the same question again over TCP with the
 * two-byte length prefix, as a stub resolver does.
 *
 * <p>The returned future completes with a parsed reply or a failure; never exceptionally.
 */
final class DnsExchange {
    static final int PORT = 53;

    /** A nameserver's answer ({@code message}), or why there was none. */
    record Reply(Message message, PodNetwork.Failure failure) {
        boolean answered() {
            return message != null;
        }
    }

    private final PodNetwork network;

    DnsExchange(PodNetwork network) {
        this.network = network;
    }

    /** The wire form of a recursive query for {@code name} (no trailing dot needed); null if it is no valid name. */
    static Message query(String name, int type) {
        try {
            Name n = Name.fromString(name.endsWith(".") ? name : name + ".");
            return Message.newQuery(Record.newRecord(n, type, DClass.IN));
        } catch (TextParseException e) {
            return null;
        }
    }

    /** Asks {@code server} the question in {@code query}, waiting at most {@code timeout} for each transport. */
    CompletableFuture<Reply> ask(String server, Message query, Duration timeout) {
        byte[] wire = query.toWire();
        return network.udp(server, PORT, wire, timeout).thenCompose(r -> {
            if (!r.ok()) {
                return CompletableFuture.completedFuture(new Reply(null, r.failure()));
            }
            Message m = parse(r.response());
            if (m == null || m.getHeader().getID() != query.getHeader().getID()) {
                // garbage, or an answer to some other question: as good as none
                return CompletableFuture.completedFuture(new Reply(null, PodNetwork.Failure.TIMED_OUT));
            }
            if (!m.getHeader().getFlag(Flags.TC)) {
                return CompletableFuture.completedFuture(new Reply(m, null));
            }
            return overTcp(server, wire, timeout);
        });
    }

    private CompletableFuture<Reply> overTcp(String server, byte[] wire, Duration timeout) {
        ByteBuffer framed = ByteBuffer.allocate(wire.length + 2);
        framed.putShort((short) wire.length).put(wire);
        return network.tcp(server, PORT, framed.array(), timeout).thenApply(r -> {
            if (!r.ok()) {
                return new Reply(null, r.failure());
            }
            byte[] b = r.response();
            if (b.length < 2) {
                return new Reply(null, PodNetwork.Failure.TIMED_OUT);
            }
            int len = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            Message m = parse(Arrays.copyOfRange(b, 2, Math.min(b.length, 2 + len)));
            return m == null ? new Reply(null, PodNetwork.Failure.TIMED_OUT) : new Reply(m, null);
        });
    }

    private static Message parse(byte[] bytes) {
        try {
            return new Message(bytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
