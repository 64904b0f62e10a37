package io.kubelite.kubelet.shell;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * busybox 1.36's {@code nslookup [-type=T] [-timeout=N] [-retry=N] [-port=N] NAME [SERVER]}
 * (its own resolver, not libc's): asks A and AAAA (PTR for an address), each for the name
 * under every search domain when it has no dot (never the bare name then), else for the name
 * alone; the search list is read only when no SERVER is given, and ndots is not consulted,
 * exactly as busybox does. It ignores {@code /etc/hosts} and never falls back to TCP.
 *
 * <p>Output, all on stdout: the {@code Server:}/{@code Address:} header once a server replied,
 * then per question its answers ({@code Name:\tNAME} / {@code Address: IP}), or
 * {@code ** server can't find NAME: NXDOMAIN}, or {@code *** Can't find NAME: No answer}, each
 * followed by an empty line. Exit 1 when a question got an error code or no server answered
 * ({@code ;; connection timed out; no servers could be reached}).
 */
final class NslookupCommand {
    private static final String USAGE = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
            + "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
            + "Query DNS about HOST\n\n"
            + "QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any\n";
    private static final String[] RCODES = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
        "NXRRSET", "NOTAUTH", "NOTZONE", "11", "12", "13", "14", "15"
    };
    private static final List<String> TYPES = List.of("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "PTR", "ANY");

    private record Question(String name, Message query) {}

    private final NetworkCommands.Io io;
    private final List<Question> questions = new ArrayList<>();
    private final List<String> servers = new ArrayList<>();
    private int port = 53;
    private int retry = 2;
    private int timeoutSeconds = 5;
    private int exitCode;

    private NslookupCommand(NetworkCommands.Io io) {
        this.io = io;
    }

    static void run(List<String> args, NetworkCommands.Io io) {
        new NslookupCommand(io).start(args);
    }

    private void start(List<String> args) {
        List<Integer> types = new ArrayList<>();
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("-"); i++) {
            String a = args.get(i).substring(1);
            int eq = a.indexOf('=');
            String key = eq >= 0 ? a.substring(0, eq) : a;
            String val = eq >= 0 ? a.substring(eq + 1) : "";
            switch (key) {
                case "type", "querytype" -> {
                    String t = val.toUpperCase(Locale.ROOT);
                    if (!TYPES.contains(t)) {
                        io.err.write("nslookup: invalid query type \"" + val + "\"\n");
                        io.exit(1);
                        return;
                    }
                    types.add(Type.value(t));
                }
                case "port", "retry", "t", "timeout" -> {
                    Integer n = number(key, val);
                    if (n == null) {
                        return;
                    }
                    switch (key) {
                        case "port" -> port = n;
                        case "retry" -> retry = n;
                        default -> timeoutSeconds = n;
                    }
                }
                case "debug" -> {}
                default -> {
                    usage();
                    return;
                }
            }
        }
        List<String> rest = args.subList(i, args.size());
        if (rest.isEmpty() || rest.size() > 2) {
            usage();
            return;
        }
        String name = rest.get(0);
        List<String> search = List.of();
        if (rest.size() == 2) {
            servers.add(rest.get(1));
        } else {
            ResolvConf conf = ResolvConf.read(io.fs);
            servers.addAll(conf.nameservers());
            search = conf.search();
            if (servers.isEmpty()) {
                servers.add("127.0.0.1");
            }
        }
        if (types.isEmpty()) {
            if (IpLiteral.isAddress(name)) {
                addQuestion(reverse(name), Type.PTR);
            } else {
                addWithSearch(name, Type.A, search);
                addWithSearch(name, Type.AAAA, search);
            }
        } else {
            for (String t : TYPES) {
                if (types.contains(Type.value(t))) {
                    addWithSearch(name, Type.value(t), search);
                }
            }
        }
        if (questions.isEmpty()) {
            // not a name the DNS can carry: no server could answer it
            io.out.write(";; connection timed out; no servers could be reached\n\n");
            io.exit(1);
            return;
        }
        server(0);
    }

    private void addWithSearch(String name, int type, List<String> search) {
        if (type == Type.PTR || search.isEmpty() || name.indexOf('.') >= 0) {
            addQuestion(name, type);
            return;
        }
        for (String d : search) {
            addQuestion(name + "." + d, type);
        }
    }

    private void addQuestion(String name, int type) {
        Message q = DnsExchange.query(name, type);
        if (q != null) {
            questions.add(new Question(name, q));
        }
    }

    /** Asks every question of {@code servers.get(s)}; the first server that answers any is the last asked. */
    private void server(int s) {
        if (s >= servers.size()) {
            io.out.write(";; connection timed out; no servers could be reached\n\n");
            io.exit(1);
            return;
        }
        String server = servers.get(s);
        if (!IpLiteral.isAddress(server)) {
            io.err.write("nslookup: bad address '" + server + "'\n");
            io.exit(1);
            return;
        }
        byte[][] replies = new byte[questions.size()][];
        round(server, 0, replies, () -> {
            if (Arrays.stream(replies).allMatch(r -> r == null)) {
                server(s + 1);
            } else {
                print(server, Arrays.asList(replies));
            }
        });
    }

    /**
     * One round of busybox's send loop: every question not yet answered goes out at once, and
     * the answers are awaited for timeout/retry seconds; {@code retry} rounds in all, so a
     * silent server costs the timeout once, not once per question.
     */
    private void round(String server, int attempt, byte[][] replies, Runnable then) {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < replies.length; i++) {
            if (replies[i] == null) {
                open.add(i);
            }
        }
        if (open.isEmpty() || attempt >= retry) {
            then.run();
            return;
        }
        Duration interval = io.seconds((double) timeoutSeconds / retry);
        List<CompletableFuture<PodNetwork.Reply>> sent = new ArrayList<>();
        for (int i : open) {
            sent.add(io.network
                    .udp(server, port, questions.get(i).query().toWire(), interval)
                    .exceptionally(e -> null));
        }
        CompletableFuture<List<PodNetwork.Reply>> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .thenApply(v -> sent.stream().map(CompletableFuture::join).toList());
        io.await(all, interval, List.of(), got -> {
            for (int n = 0; n < got.size(); n++) {
                PodNetwork.Reply r = got.get(n);
                int i = open.get(n);
                if (r != null
                        && r.ok()
                        && matches(r.response(), questions.get(i).query())) {
                    replies[i] = r.response();
                }
            }
            round(server, attempt + 1, replies, then);
        });
    }

    private void print(String server, List<byte[]> replies) {
        StringBuilder sb = new StringBuilder();
        sb.append("Server:\t\t").append(server).append('\n');
        sb.append("Address:\t")
                .append(server.contains(":") ? "[" + server + "]" : server)
                .append(':')
                .append(port)
                .append("\n\n");
        List<String> unanswered = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            String name = questions.get(i).name();
            byte[] raw = replies.get(i);
            if (raw == null) {
                unanswered.add(name);
                continue;
            }
            int rcode = raw[3] & 0x0f;
            if (rcode != Rcode.NOERROR) {
                sb.append("** server can't find ")
                        .append(name)
                        .append(": ")
                        .append(RCODES[rcode])
                        .append('\n');
                exitCode = 1;
            } else {
                int n = answers(raw, sb);
                if (n < 0) {
                    sb.append("*** Can't find ").append(name).append(": Parse error\n");
                    exitCode = 1;
                } else if (n == 0) {
                    sb.append("*** Can't find ").append(name).append(": No answer\n");
                }
            }
            sb.append('\n');
        }
        for (String name : unanswered) {
            sb.append("*** Can't find ").append(name).append(": No answer\n");
        }
        if (!unanswered.isEmpty()) {
            sb.append('\n');
        }
        io.out.write(sb.toString());
        io.exit(exitCode);
    }

    /** busybox's parse_reply: the answer records it knows how to print; -1 when the reply does not parse. */
    private static int answers(byte[] raw, StringBuilder sb) {
        if ((raw[2] & 0x04) == 0) {
            sb.append("Non-authoritative answer:\n"); // the AA bit, read before parsing, as busybox does
        }
        Message m;
        try {
            m = new Message(raw);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        List<Record> records = m.getSection(Section.ANSWER);
        for (Record r : records) {
            String owner = plain(r.getName());
            if (r instanceof ARecord a) {
                sb.append("Name:\t")
                        .append(owner)
                        .append("\nAddress: ")
                        .append(a.getAddress().getHostAddress())
                        .append('\n');
            } else if (r instanceof AAAARecord a) {
                sb.append("Name:\t")
                        .append(owner)
                        .append("\nAddress: ")
                        .append(ipv6(a))
                        .append('\n');
            } else if (r instanceof NSRecord ns) {
                sb.append(owner)
                        .append("\tnameserver = ")
                        .append(plain(ns.getTarget()))
                        .append('\n');
            } else if (r instanceof CNAMERecord c) {
                sb.append(owner)
                        .append("\tcanonical name = ")
                        .append(plain(c.getTarget()))
                        .append('\n');
            } else if (r instanceof PTRRecord p) {
                sb.append(owner)
                        .append("\tname = ")
                        .append(plain(p.getTarget()))
                        .append('\n');
            } else if (r instanceof MXRecord mx) {
                sb.append(owner)
                        .append("\tmail exchanger = ")
                        .append(mx.getPriority())
                        .append(' ')
                        .append(plain(mx.getTarget()))
                        .append('\n');
            } else if (r instanceof TXTRecord t && !t.getStrings().isEmpty()) {
                sb.append(owner)
                        .append("\ttext = \"")
                        .append(t.getStrings().get(0))
                        .append("\"\n");
            }
        }
        return records.size();
    }

    private static String ipv6(AAAARecord a) {
        // inet_ntop's compressed form (Java prints every group)
        String full = a.getAddress().getHostAddress();
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; ) {
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(j, i + 1);
        }
        if (bestStart < 0) {
            return String.join(":", g);
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return left + "::" + right;
    }

    private static String plain(Name n) {
        String s = n.toString();
        return s.endsWith(".") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean matches(byte[] reply, Message query) {
        int id = query.getHeader().getID();
        return reply.length >= 4 && (((reply[0] & 0xff) << 8) | (reply[1] & 0xff)) == id;
    }

    private static String reverse(String address) {
        try {
            return plain(ReverseMap.fromAddress(address.replaceAll("[\\[\\]]", "")));
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    /** busybox's xatou_range for option {@code key}: the number, or null after saying why not. */
    private Integer number(String key, String v) {
        long max = key.equals("port") ? 65535 : key.equals("retry") ? Integer.MAX_VALUE : Integer.MAX_VALUE / 1000;
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            io.err.write("nslookup: invalid number '" + v + "'\n");
            io.exit(1);
            return null;
        }
        if (n < 1 || n > max) {
            io.err.write("nslookup: number " + n + " is not in 1.." + max + " range\n");
            io.exit(1);
            return null;
        }
        return (int) n;
    }

    private void usage() {
        io.err.write(USAGE);
        io.exit(1);
    }
}
