package io.kubelite.kubelet.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * busybox's netcat-1.10 {@code nc [-z] [-v[v]] [-u] [-w SEC] HOST PORT} as a client: with
 * {@code -z} only connects; otherwise sends all of stdin, half-closes, and copies what the
 * server sent back to stdout. {@code -v} reports {@code HOST (IP:PORT) open} on stderr; a
 * failed connect says {@code nc: HOST (IP:PORT): Connection refused} (or timed out) and exits
 * 1. Listening ({@code -l}, {@code -k}) and {@code -e PROG} are not simulated: they say so and
 * exit 1. Without {@code -w} a connection is given 127 s, the kernel's connect timeout.
 */
final class NcCommand {
    private static final String USAGE = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
            + "Usage: nc [OPTIONS] HOST PORT  - connect\n"
            + "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n\n"
            + "\t-e PROG\tRun PROG after connect (must be last)\n"
            + "\t-l\tListen mode, for inbound connects\n"
            + "\t-lk\tWith -e, provides persistent server\n"
            + "\t-p PORT\tLocal port\n"
            + "\t-s ADDR\tLocal address\n"
            + "\t-w SEC\tTimeout for connects and final net reads\n"
            + "\t-i SEC\tDelay interval for lines sent\n"
            + "\t-n\tDon't do DNS resolution\n"
            + "\t-u\tUDP mode\n"
            + "\t-b\tAllow broadcasts\n"
            + "\t-v\tVerbose\n"
            + "\t-o FILE\tHex dump traffic\n"
            + "\t-z\tZero-I/O mode (scanning)\n";
    private static final Map<String, Integer> SERVICES =
            Map.of("http", 80, "https", 443, "domain", 53, "ssh", 22, "ftp", 21, "smtp", 25, "telnet", 23);

    private final NetworkCommands.Io io;
    private int verbose;
    private boolean zero;
    private boolean udp;
    private Integer waitSeconds;

    private NcCommand(NetworkCommands.Io io) {
        this.io = io;
    }

    static void run(List<String> args, NetworkCommands.Io io) {
        new NcCommand(io).start(args);
    }

    private void start(List<String> args) {
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.length() == 1) {
                operands.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                switch (c) {
                    case 'v' -> verbose++;
                    case 'z' -> zero = true;
                    case 'u' -> udp = true;
                    case 'n', 'b' -> {}
                    case 'l', 'k' -> {
                        fail("listen mode (-" + c + ") is not supported in kubelite's simulated shell");
                        return;
                    }
                    case 'e' -> {
                        fail("-e PROG is not supported in kubelite's simulated shell");
                        return;
                    }
                    case 'w', 'p', 's', 'i', 'o' -> {
                        String value;
                        if (j + 1 < a.length()) {
                            value = a.substring(j + 1);
                        } else if (i + 1 < args.size()) {
                            value = args.get(++i);
                        } else {
                            io.err.write("nc: option requires an argument -- '" + c + "'\n" + USAGE);
                            io.exit(1);
                            return;
                        }
                        if (c == 'w') {
                            try {
                                waitSeconds = Integer.parseUnsignedInt(value);
                            } catch (NumberFormatException e) {
                                fail("invalid number '" + value + "'");
                                return;
                            }
                        }
                        j = a.length();
                    }
                    default -> {
                        io.err.write("nc: invalid option -- '" + c + "'\n" + USAGE);
                        io.exit(1);
                        return;
                    }
                }
            }
        }
        if (operands.size() != 2) {
            io.err.write(USAGE);
            io.exit(1);
            return;
        }
        String host = operands.get(0);
        Integer port = port(operands.get(1));
        if (port == null) {
            fail("bad port '" + operands.get(1) + "'");
            return;
        }
        io.await(
                io.resolver().resolve(host),
                Duration.ofMinutes(10),
                NameResolver.Resolution.failed(NameResolver.Error.TRY_AGAIN),
                r -> {
                    if (!r.ok()) {
                        fail("bad address '" + host + "'");
                        return;
                    }
                    String dotted = r.address() + ":" + port;
                    if (zero) {
                        exchange(host, dotted, r.address(), port, new byte[0]);
                    } else {
                        io.readStdin(data -> exchange(host, dotted, r.address(), port, data));
                    }
                });
    }

    private void exchange(String host, String dotted, String ip, int port, byte[] data) {
        Duration timeout = io.seconds(waitSeconds == null ? 127 : waitSeconds);
        PodNetwork.Reply none = PodNetwork.Reply.failed(PodNetwork.Failure.TIMED_OUT, "no answer");
        var f = udp ? io.network.udp(ip, port, data, timeout) : io.network.tcp(ip, port, data, timeout);
        io.await(f, timeout, none, reply -> {
            // a UDP datagram nobody answers is no failure: that is how UDP goes
            boolean open = reply.ok() || (udp && reply.failure() == PodNetwork.Failure.TIMED_OUT);
            if (!open) {
                io.err.write("nc: " + host + " (" + dotted + "): " + reason(reply.failure()) + "\n");
                io.exit(1);
                return;
            }
            if (verbose > 0) {
                io.err.write(host + " (" + dotted + ") open\n");
            }
            byte[] got = zero ? new byte[0] : reply.response();
            if (!zero) {
                io.out.writeBytes(got);
            }
            if (verbose > 1) {
                io.err.write("sent " + data.length + ", rcvd " + got.length + "\n");
            }
            io.exit(0);
        });
    }

    private String reason(PodNetwork.Failure failure) {
        return switch (failure) {
            case REFUSED -> "Connection refused";
            case UNREACHABLE -> io.network.podIp().isEmpty() ? "Network is unreachable" : "No route to host";
            default -> "Connection timed out";
        };
    }

    private static Integer port(String s) {
        if (SERVICES.containsKey(s)) {
            return SERVICES.get(s);
        }
        try {
            int p = Integer.parseInt(s);
            return p >= 0 && p <= 65535 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void fail(String message) {
        io.err.write("nc: " + message + "\n");
        io.exit(1);
    }
}
