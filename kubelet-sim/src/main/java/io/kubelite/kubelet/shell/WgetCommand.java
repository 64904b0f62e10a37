package io.kubelite.kubelet.shell;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * busybox 1.36's {@code wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]
 * [--post-data STR] [-Y on/off] [-P DIR] [-U AGENT] [-T SEC] URL...} over the pod network:
 * an HTTP/1.1 request ({@code Host}, {@code User-Agent: Wget}, {@code Connection: close}),
 * redirects followed (at most 15, as busybox's limit of 16 allows), the body saved to the
 * container's files (named after the URL's last path component, {@code index.html} for a
 * directory, never over an existing file unless {@code -O} names it) or to stdout with
 * {@code -O -}.
 *
 * <p>Progress goes to stderr as busybox prints it when stderr is no terminal: {@code Connecting
 * to HOST (IP:PORT)}, {@code saving to 'FILE'}, one progress-bar line, {@code 'FILE' saved}.
 * Errors are busybox's ({@code wget: bad address 'web'}, {@code wget: can't connect to remote
 * host (IP): Connection refused}, {@code wget: download timed out}, {@code wget: server returned
 * error: HTTP/1.1 404 Not Found}) with exit code 1. {@code https://} URLs are refused with
 * busybox's message for a build without TLS: the simulated servers speak plain HTTP only.
 *
 * <p>A connection that times out says {@code download timed out} when {@code -T} was given, and
 * {@code Connection timed out} (the kernel giving up the connect) otherwise.
 */
final class WgetCommand {
    static final String USAGE = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
            + "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
            + "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
            + "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\n"
            + "Retrieve files via HTTP or FTP\n";
    private static final int REDIRECT_LIMIT = 16;
    private static final int BAR = 32; // an 80-column default less busybox's 48 for the rest of the line

    private final NetworkCommands.Io io;
    private Output err;
    private boolean quiet;
    private boolean serverResponse;
    private boolean spider;
    private String outName;
    private String logName;
    private String dirPrefix;
    private String userAgent = "Wget";
    private Integer timeoutSeconds;
    private String postData;
    private final List<String> headers = new ArrayList<>();
    private boolean outputOpened;

    private WgetCommand(NetworkCommands.Io io) {
        this.io = io;
        this.err = io.err;
    }

    static void run(List<String> args, NetworkCommands.Io io) {
        new WgetCommand(io).start(args);
    }

    private void start(List<String> args) {
        List<String> urls = new ArrayList<>();
        if (!parse(args, urls)) {
            return;
        }
        if (urls.isEmpty()) {
            io.err.write(USAGE);
            io.exit(1);
            return;
        }
        if (logName != null && !logName.equals("-")) {
            String p = io.path.apply(logName);
            String why = OutputFile.write(io.fs, p, new byte[0], false);
            if (why != null) {
                die("can't open '" + logName + "': " + why);
                return;
            }
            err = text -> io.fs.write(p, text, true);
        }
        next(urls, 0);
    }

    /** getopt32 with busybox wget's options ({@code cqSO:o:P:Y:U:T:t:n::} and the long ones). */
    private boolean parse(List<String> args, List<String> urls) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                urls.addAll(args.subList(i + 1, args.size()));
                return true;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq >= 0 ? a.substring(2, eq) : a.substring(2);
                String value = eq >= 0 ? a.substring(eq + 1) : null;
                String opt = longToShort(name);
                if (opt.isEmpty()) {
                    io.err.write("wget: unrecognized option '" + a + "'\n" + USAGE);
                    io.exit(1);
                    return false;
                }
                boolean takesValue = List.of("O", "o", "P", "Y", "U", "T", "t", "header", "post-data", "post-file")
                        .contains(opt);
                if (takesValue && value == null) {
                    if (i + 1 >= args.size()) {
                        io.err.write("wget: option '--" + name + "' requires an argument\n" + USAGE);
                        io.exit(1);
                        return false;
                    }
                    value = args.get(++i);
                }
                if (!apply(opt, value)) {
                    return false;
                }
                continue;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                urls.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                if ("cqS".indexOf(c) >= 0) {
                    apply(String.valueOf(c), null);
                } else if (c == 'n') {
                    break; // -nv, -nc, -nH, -np: all ignored, and the rest of the word is n's argument
                } else if ("OoPYUTt".indexOf(c) >= 0) {
                    String value;
                    if (j + 1 < a.length()) {
                        value = a.substring(j + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        io.err.write("wget: option requires an argument -- '" + c + "'\n" + USAGE);
                        io.exit(1);
                        return false;
                    }
                    if (!apply(String.valueOf(c), value)) {
                        return false;
                    }
                    break;
                } else {
                    io.err.write("wget: invalid option -- '" + c + "'\n" + USAGE);
                    io.exit(1);
                    return false;
                }
            }
        }
        return true;
    }

    private static String longToShort(String name) {
        return switch (name) {
            case "continue" -> "c";
            case "quiet" -> "q";
            case "server-response" -> "S";
            case "output-document" -> "O";
            case "output-file" -> "o";
            case "directory-prefix" -> "P";
            case "proxy" -> "Y";
            case "user-agent" -> "U";
            case "timeout" -> "T";
            case "tries" -> "t";
            case "header" -> "header";
            case "post-data" -> "post-data";
            case "post-file" -> "post-file";
            case "spider" -> "spider";
            case "no-check-certificate",
                    "passive-ftp",
                    "no-cache",
                    "no-verbose",
                    "no-clobber",
                    "no-host-directories",
                    "no-parent" -> "ignored";
            default -> "";
        };
    }

    private boolean apply(String opt, String value) {
        switch (opt) {
            case "q" -> quiet = true;
            case "S" -> serverResponse = true;
            case "O" -> outName = value;
            case "o" -> logName = value;
            case "P" -> dirPrefix = value;
            case "U" -> userAgent = value;
            case "header" -> headers.add(value);
            case "post-data" -> postData = value;
            case "post-file" -> {
                byte[] b = value.equals("-") ? new byte[0] : io.fs.readBytes(io.path.apply(value));
                if (b == null) {
                    die("can't open '" + value + "': No such file or directory");
                    return false;
                }
                postData = new String(b, StandardCharsets.UTF_8);
            }
            case "spider" -> spider = true;
            case "T" -> {
                try {
                    timeoutSeconds = Integer.parseUnsignedInt(value);
                } catch (NumberFormatException e) {
                    die("invalid number '" + value + "'");
                    return false;
                }
            }
            default -> {} // -c -Y -t and the ignored long options
        }
        return true;
    }

    private void next(List<String> urls, int i) {
        if (i >= urls.size()) {
            io.exit(0);
            return;
        }
        String raw = urls.get(i);
        int sep = raw.indexOf("://");
        if (sep >= 0 && !raw.substring(0, sep).equalsIgnoreCase("http")) {
            die("not an http or ftp url: " + raw);
            return;
        }
        HttpUrl url = HttpUrl.parse(raw);
        if (url == null) {
            die("bad address '" + raw + "'");
            return;
        }
        String fname;
        if (outName != null) {
            fname = outName;
        } else {
            String last = url.lastPathComponent();
            fname = last.isEmpty() ? "index.html" : last;
            if (dirPrefix != null) {
                fname = dirPrefix.endsWith("/") ? dirPrefix + fname : dirPrefix + "/" + fname;
            }
        }
        connect(new Transfer(fname, () -> next(urls, i + 1)), url, REDIRECT_LIMIT);
    }

    /** One URL's download: where it goes, and what follows it. */
    private record Transfer(String fname, Runnable then) {
        String curfile() {
            int slash = fname.lastIndexOf('/');
            return slash >= 0 && !fname.equals("/") ? fname.substring(slash + 1) : fname;
        }
    }

    /** Resolves the server's name (printing {@code Connecting to}), then requests. */
    private void connect(Transfer t, HttpUrl url, int redirectsLeft) {
        io.await(
                io.resolver().resolve(url.host()),
                Duration.ofMinutes(10),
                NameResolver.Resolution.failed(NameResolver.Error.TRY_AGAIN),
                r -> {
                    if (!r.ok()) {
                        die("bad address '" + url.host() + "'");
                        return;
                    }
                    String dotted = r.address().contains(":")
                            ? "[" + r.address() + "]:" + url.port()
                            : r.address() + ":" + url.port();
                    if (!quiet) {
                        // busybox names the server as the URL wrote it, port included
                        err.write("Connecting to " + url.authority() + " (" + dotted + ")\n");
                    }
                    request(t, url, r.address(), redirectsLeft);
                });
    }

    private void request(Transfer t, HttpUrl url, String ip, int redirectsLeft) {
        Duration timeout = io.seconds(timeoutSeconds == null ? 900 : timeoutSeconds);
        io.await(
                io.network.tcp(ip, url.port(), requestBytes(url), timeout),
                timeout,
                PodNetwork.Reply.failed(PodNetwork.Failure.TIMED_OUT, "no answer"),
                reply -> {
                    if (!reply.ok()) {
                        connectFailed(reply.failure(), ip);
                        return;
                    }
                    response(t, url, ip, reply.response(), redirectsLeft);
                });
    }

    private byte[] requestBytes(HttpUrl url) {
        StringBuilder sb = new StringBuilder();
        sb.append(postData != null ? "POST " : "GET ").append(url.target()).append(" HTTP/1.1\r\n");
        if (!userHeader("Host")) {
            sb.append("Host: ").append(url.authority()).append("\r\n");
        }
        if (!userHeader("User-Agent")) {
            sb.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        sb.append("Connection: close\r\n");
        headers.forEach(h -> sb.append(h).append("\r\n"));
        if (postData != null) {
            if (!userHeader("Content-Type")) {
                sb.append("Content-Type: application/x-www-form-urlencoded\r\n");
            }
            sb.append("Content-Length: ")
                    .append(postData.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n\r\n")
                    .append(postData);
        } else {
            sb.append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private boolean userHeader(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix));
    }

    private void connectFailed(PodNetwork.Failure failure, String ip) {
        switch (failure) {
            case REFUSED -> die("can't connect to remote host (" + ip + "): Connection refused");
            case UNREACHABLE ->
                die("can't connect to remote host (" + ip + "): "
                        + (io.network.podIp().isEmpty() ? "Network is unreachable" : "No route to host"));
            default -> {
                if (timeoutSeconds != null) {
                    die("download timed out");
                } else {
                    die("can't connect to remote host (" + ip + "): Connection timed out");
                }
            }
        }
    }

    private void response(Transfer t, HttpUrl url, String ip, byte[] raw, int redirectsLeft) {
        HttpResponse r = HttpResponse.parse(raw, false).orElse(null);
        if (r == null) {
            die("error getting response");
            return;
        }
        String statusLine = sanitize(r.statusLine());
        if (serverResponse) {
            err.write("  " + statusLine + "\n");
        }
        int status = r.status();
        boolean redirect = switch (status) {
            case 200, 201, 202, 203, 204 -> false;
            case 300, 301, 302, 303, 307, 308 -> true;
            default -> {
                die("server returned error: " + statusLine);
                yield false;
            }
        };
        if (!redirect && (status < 200 || status > 204)) {
            return;
        }
        for (String h : r.headerLines()) {
            String line = sanitize(h);
            if (serverResponse) {
                err.write("  " + line + "\n");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                die("bad header line: " + line);
                return;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (key.equals("transfer-encoding") && !value.equalsIgnoreCase("chunked")) {
                die("transfer encoding '" + value + "' is not supported");
                return;
            }
            if (key.equals("location") && status >= 300) {
                if (redirectsLeft - 1 == 0) {
                    die("too many redirections");
                    return;
                }
                if (value.startsWith("/")) {
                    // same server, same address: no new "Connecting to"
                    request(t, url.resolve(value), ip, redirectsLeft - 1);
                    return;
                }
                int sep = value.indexOf("://");
                if (sep >= 0 && !value.substring(0, sep).equalsIgnoreCase("http")) {
                    die("not an http or ftp url: " + value);
                    return;
                }
                HttpUrl to = url.resolve(value);
                if (to == null) {
                    die("bad address '" + value + "'");
                    return;
                }
                connect(t, to, redirectsLeft - 1);
                return;
            }
        }
        if (serverResponse) {
            err.write("  \n");
        }
        if (spider) {
            if (!quiet) {
                err.write("remote file exists\n");
            }
            t.then().run();
            return;
        }
        save(t, r);
    }

    private void save(Transfer t, HttpResponse r) {
        boolean toStdout = "-".equals(outName);
        String p = toStdout ? null : io.path.apply(t.fname());
        if (!toStdout && !outputOpened) {
            String why = OutputFile.cannotCreate(io.fs, p);
            if (why == null && outName == null && io.fs.exists(p)) {
                why = "File exists"; // O_EXCL: busybox never overwrites a file it named itself
            }
            if (why != null) {
                die("can't open '" + t.fname() + "': " + why);
                return;
            }
        }
        if (!quiet) {
            err.write(toStdout ? "writing to stdout\n" : "saving to '" + t.fname() + "'\n");
        }
        byte[] body = r.body();
        if (toStdout) {
            io.out.writeBytes(body);
        } else {
            // -O FILE for several URLs: one file, each body after the last
            boolean append = outName != null && outputOpened;
            String why = OutputFile.write(io.fs, p, body, append);
            if (why != null) {
                die("write error: " + why);
                return;
            }
            outputOpened = outName != null;
        }
        if (!quiet && body.length > 0) {
            err.write(progress(t.curfile(), body.length, io.tty));
        }
        if (!r.complete()) {
            die("connection closed prematurely");
            return;
        }
        if (!quiet) {
            err.write(toStdout ? "written to stdout\n" : "'" + t.fname() + "' saved\n");
        }
        t.then().run();
    }

    /**
     * busybox's progress line for a finished transfer of {@code size} bytes: name in 20 columns,
     * percent, a 32-star bar, the size in 5 columns, and the ETA (a simulated transfer takes no
     * time). On a terminal it starts with a carriage return and is ended by a newline.
     */
    static String progress(String curfile, long size, boolean tty) {
        String name = curfile.length() > 20 ? curfile.substring(0, 20) : curfile;
        String line =
                String.format(Locale.ROOT, "%-20s %3d%% |%s| %s  0:00:00 ETA", name, 100, "*".repeat(BAR), size5(size));
        return tty ? "\r" + line + "\n" : line + "\n";
    }

    /** busybox's smart_ulltoa5: five columns, scaled by 1024 with a unit letter past 99999. */
    static String size5(long n) {
        String units = " kMGTPEZY";
        int u = 0;
        double v = n;
        while (v >= 100000 || (u > 0 && v >= 10000)) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return String.format(Locale.ROOT, "%5d", n);
        }
        return String.format(Locale.ROOT, "%4d%c", (long) v, units.charAt(u));
    }

    /** As busybox: a line is cut at its first control character, tabs becoming spaces. */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\t') {
                sb.append(' ');
            } else if (c < ' ') {
                break;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void die(String message) {
        err.write("wget: " + message + "\n");
        io.exit(1);
    }
}
