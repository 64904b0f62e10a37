package io.kubelite.kubelet.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * curl 8's {@code curl [-sSfLiIvO] [-o FILE] [-m SEC] [--connect-timeout SEC] [-w FORMAT]
 * [-H HEADER] [-X METHOD] [-d DATA] [-A AGENT] [--max-redirs N] URL...} over the pod network,
 * plain HTTP only. Errors are curl's, on stderr as {@code curl: (N) message} with exit code N
 * (6 unresolved host, 7 no connection, 28 timeout, 22 an HTTP error with {@code -f}, 52 an empty
 * reply, 18 a short body, 47 too many redirects, 1 an unsupported protocol); {@code -s} hides
 * them unless {@code -S}. Without {@code -s}, and unless the body goes to a terminal, the
 * progress meter goes to stderr as curl draws it (its speeds from the simulated duration).
 *
 * <p>Timeouts: {@code -m} bounds the whole exchange ({@code Operation timed out after N
 * milliseconds with 0 bytes received}); {@code --connect-timeout} alone bounds it too ({@code
 * Failed to connect to HOST port P after N ms: Timeout was reached}); with neither, a connection
 * nobody answers is given the kernel's 127 s and fails as exit 7.
 */
final class CurlCommand {
    static final String VERSION = "8.5.0";
    private static final String TRY = "curl: try 'curl --help' for more information\n";

    private final NetworkCommands.Io io;
    private boolean silent;
    private boolean showError;
    private boolean fail;
    private boolean follow;
    private boolean include;
    private boolean head;
    private boolean verbose;
    private boolean remoteName;
    private String output;
    private String writeOut;
    private String method;
    private String data;
    private String userAgent = "curl/" + VERSION;
    private Double maxTime;
    private Double connectTimeout;
    private int maxRedirs = 50;
    private final List<String> headers = new ArrayList<>();
    /** Output files this run has written: later bodies are appended, as to one open file. */
    private final Set<String> opened = new HashSet<>();

    // what one transfer saw, for -w and the messages
    private long start;
    private int httpCode;
    private String remoteIp = "";
    private int remotePort;
    private long sizeDownload;
    private int redirects;
    private String contentType = "";
    private HttpUrl effective;
    private int exitCode;

    private CurlCommand(NetworkCommands.Io io) {
        this.io = io;
    }

    static void run(List<String> args, NetworkCommands.Io io) {
        new CurlCommand(io).start(args);
    }

    private void start(List<String> args) {
        List<String> urls = new ArrayList<>();
        if (!parse(args, urls)) {
            return;
        }
        if (urls.isEmpty()) {
            io.err.write("curl: no URL specified\n" + TRY);
            io.exit(2);
            return;
        }
        next(urls, 0, 0);
    }

    private boolean parse(List<String> args, List<String> urls) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String opt = switch (name) {
                    case "silent" -> "s";
                    case "show-error" -> "S";
                    case "fail" -> "f";
                    case "location" -> "L";
                    case "include" -> "i";
                    case "head" -> "I";
                    case "verbose" -> "v";
                    case "remote-name" -> "O";
                    case "output" -> "o";
                    case "write-out" -> "w";
                    case "header" -> "H";
                    case "request" -> "X";
                    case "data", "data-raw", "data-binary", "data-ascii" -> "d";
                    case "user-agent" -> "A";
                    case "max-time" -> "m";
                    case "connect-timeout" -> "connect-timeout";
                    case "max-redirs" -> "max-redirs";
                    case "insecure", "compressed", "ipv4", "no-buffer", "http1.1", "no-progress-meter" -> "ignored";
                    default -> null;
                };
                if (opt == null) {
                    io.err.write("curl: option " + a + ": is unknown\n" + TRY);
                    io.exit(2);
                    return false;
                }
                if (name.equals("no-progress-meter")) {
                    silent = true;
                    showError = true;
                }
                String value = null;
                if (takesValue(opt)) {
                    if (i + 1 >= args.size()) {
                        io.err.write("curl: option " + a + ": requires parameter\n" + TRY);
                        io.exit(2);
                        return false;
                    }
                    value = args.get(++i);
                }
                if (!apply(opt, value, a)) {
                    return false;
                }
                continue;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                urls.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                String opt = String.valueOf(a.charAt(j));
                if (takesValue(opt)) {
                    String value;
                    if (j + 1 < a.length()) {
                        value = a.substring(j + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        io.err.write("curl: option -" + opt + ": requires parameter\n" + TRY);
                        io.exit(2);
                        return false;
                    }
                    if (!apply(opt, value, "-" + opt)) {
                        return false;
                    }
                    break;
                }
                if (!"sSfLiIvOk4#".contains(opt)) {
                    io.err.write("curl: option -" + opt + ": is unknown\n" + TRY);
                    io.exit(2);
                    return false;
                }
                apply(opt, null, "-" + opt);
            }
        }
        return true;
    }

    private static boolean takesValue(String opt) {
        return List.of("o", "w", "H", "X", "d", "A", "m", "connect-timeout", "max-redirs")
                .contains(opt);
    }

    private boolean apply(String opt, String value, String given) {
        switch (opt) {
            case "s" -> silent = true;
            case "S" -> showError = true;
            case "f" -> fail = true;
            case "L" -> follow = true;
            case "i" -> include = true;
            case "I" -> head = true;
            case "v" -> verbose = true;
            case "O" -> remoteName = true;
            case "o" -> output = value;
            case "w" -> writeOut = value.startsWith("@") ? fileText(value.substring(1)) : value;
            case "H" -> headers.add(value);
            case "X" -> method = value;
            case "d" -> {
                String d = value.startsWith("@") ? fileText(value.substring(1)).replaceAll("[\r\n]", "") : value;
                data = data == null ? d : data + "&" + d;
            }
            case "A" -> userAgent = value;
            case "m", "connect-timeout" -> {
                double secs;
                try {
                    secs = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    secs = -1;
                }
                if (secs < 0 || Double.isNaN(secs)) {
                    io.err.write("curl: option " + given + ": expected a proper numerical parameter\n" + TRY);
                    io.exit(2);
                    return false;
                }
                if (opt.equals("m")) {
                    maxTime = secs;
                } else {
                    connectTimeout = secs;
                }
            }
            case "max-redirs" -> {
                try {
                    maxRedirs = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    io.err.write("curl: option " + given + ": expected a proper numerical parameter\n" + TRY);
                    io.exit(2);
                    return false;
                }
            }
            default -> {}
        }
        return true;
    }

    private String fileText(String name) {
        byte[] b = io.fs.readBytes(io.path.apply(name));
        if (b == null) {
            io.err.write("Warning: Couldn't read data from file \"" + name + "\", this makes an empty POST.\n");
            return "";
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private void next(List<String> urls, int i, int code) {
        if (i >= urls.size()) {
            io.exit(code);
            return;
        }
        httpCode = 0;
        remoteIp = "";
        remotePort = 0;
        sizeDownload = 0;
        redirects = 0;
        contentType = "";
        exitCode = 0;
        start = System.nanoTime();
        String raw = urls.get(i);
        int sep = raw.indexOf("://");
        if (sep >= 0 && !raw.substring(0, sep).equalsIgnoreCase("http")) {
            done(urls, i, 1, "Protocol \"" + raw.substring(0, sep) + "\" not supported");
            return;
        }
        HttpUrl url = HttpUrl.parse(raw);
        if (url == null) {
            done(
                    urls,
                    i,
                    3,
                    HttpUrl.hasHost(raw)
                            ? "URL rejected: Port number was not a decimal number between 0 and 65535"
                            : "URL rejected: No host part in the URL");
            return;
        }
        effective = url;
        String m = method != null ? method : head ? "HEAD" : data != null ? "POST" : "GET";
        transfer(urls, i, url, m);
    }

    private void transfer(List<String> urls, int i, HttpUrl url, String m) {
        effective = url;
        io.await(
                io.resolver().resolve(url.host()),
                Duration.ofMinutes(10),
                NameResolver.Resolution.failed(NameResolver.Error.TRY_AGAIN),
                r -> {
                    if (!r.ok()) {
                        done(urls, i, 6, "Could not resolve host: " + url.host());
                        return;
                    }
                    remoteIp = r.address();
                    remotePort = url.port();
                    if (verbose) {
                        io.err.write("*   Trying " + r.address() + ":" + url.port() + "...\n");
                    }
                    byte[] request = request(url, m);
                    Duration timeout = timeout();
                    io.await(
                            io.network.tcp(r.address(), url.port(), request, timeout),
                            timeout,
                            PodNetwork.Reply.failed(PodNetwork.Failure.TIMED_OUT, "no answer"),
                            reply -> answered(urls, i, url, m, request, reply));
                });
    }

    private Duration timeout() {
        double secs = 127;
        if (maxTime != null && maxTime > 0) {
            secs = maxTime;
        } else if (connectTimeout != null && connectTimeout > 0) {
            secs = connectTimeout;
        }
        return io.seconds(secs);
    }

    private byte[] request(HttpUrl url, String m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m).append(' ').append(url.target()).append(" HTTP/1.1\r\n");
        if (!userHeader("Host")) {
            sb.append("Host: ")
                    .append(url.port() == 80 ? url.host() : url.authority())
                    .append("\r\n");
        }
        if (!userHeader("User-Agent")) {
            sb.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        if (!userHeader("Accept")) {
            sb.append("Accept: */*\r\n");
        }
        for (String h : headers) {
            // "Name:" alone removes a header curl would send; it is not sent either
            if (!h.strip().endsWith(":")) {
                sb.append(h).append("\r\n");
            }
        }
        byte[] body = data == null ? new byte[0] : data.getBytes(StandardCharsets.UTF_8);
        if (data != null) {
            if (!userHeader("Content-Length")) {
                sb.append("Content-Length: ").append(body.length).append("\r\n");
            }
            if (!userHeader("Content-Type")) {
                sb.append("Content-Type: application/x-www-form-urlencoded\r\n");
            }
        }
        sb.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private boolean userHeader(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix));
    }

    private void answered(List<String> urls, int i, HttpUrl url, String m, byte[] request, PodNetwork.Reply reply) {
        long ms = io.simulatedMillisSince(start);
        if (!reply.ok()) {
            if (reply.failure() == PodNetwork.Failure.TIMED_OUT && maxTime != null && maxTime > 0) {
                long after = Math.max(ms, Math.round(maxTime * 1000));
                done(urls, i, 28, "Operation timed out after " + after + " milliseconds with 0 bytes received");
            } else if (reply.failure() == PodNetwork.Failure.TIMED_OUT
                    && connectTimeout != null
                    && connectTimeout > 0) {
                long after = Math.max(ms, Math.round(connectTimeout * 1000));
                done(
                        urls,
                        i,
                        28,
                        "Failed to connect to " + url.host() + " port " + url.port() + " after " + after
                                + " ms: Timeout was reached");
            } else {
                if (verbose) {
                    io.err.write("* connect to " + remoteIp + " port " + url.port() + " failed: "
                            + errno(reply.failure()) + "\n");
                }
                done(
                        urls,
                        i,
                        7,
                        "Failed to connect to " + url.host() + " port " + url.port() + " after " + ms
                                + " ms: Couldn't connect to server");
            }
            return;
        }
        if (verbose) {
            io.err.write("* Connected to " + url.host() + " (" + remoteIp + ") port " + url.port() + "\n");
            String req = new String(request, StandardCharsets.UTF_8);
            int end = req.indexOf("\r\n\r\n");
            for (String line : req.substring(0, end + 2).split("\r\n", -1)) {
                io.err.write("> " + line + "\n");
            }
        }
        HttpResponse r = HttpResponse.parse(reply.response(), m.equals("HEAD")).orElse(null);
        if (r == null) {
            done(urls, i, 52, "Empty reply from server");
            return;
        }
        httpCode = r.status();
        contentType = r.header("content-type").orElse("");
        if (verbose) {
            io.err.write("< " + r.statusLine() + "\n");
            r.headerLines().forEach(h -> io.err.write("< " + h + "\n"));
            io.err.write("< \n");
        }
        String location = r.header("location").orElse(null);
        boolean redirect = follow && location != null && r.status() >= 300 && r.status() < 400;
        if ((include || head) && !sink(r.headText().getBytes(StandardCharsets.ISO_8859_1), urls, i)) {
            return;
        }
        if (redirect) {
            if (redirects >= maxRedirs) {
                done(urls, i, 47, "Maximum (" + maxRedirs + ") redirects followed");
                return;
            }
            redirects++;
            HttpUrl to = url.resolve(location);
            if (to == null) {
                done(urls, i, 3, "URL rejected: Port number was not a decimal number between 0 and 65535");
                return;
            }
            if (!to.scheme().equals("http")) {
                done(urls, i, 1, "Protocol \"" + to.scheme() + "\" not supported");
                return;
            }
            // as browsers do: a POST redirected by 301/302/303 becomes a GET
            String nextMethod = method == null && r.status() <= 303 && m.equals("POST") ? "GET" : m;
            if (nextMethod.equals("GET")) {
                data = null;
            }
            transfer(urls, i, to, nextMethod);
            return;
        }
        if (fail && r.status() >= 400) {
            done(urls, i, 22, "The requested URL returned error: " + r.status());
            return;
        }
        sizeDownload = r.body().length;
        if (!head && !sink(r.body(), urls, i)) {
            return;
        }
        if (!r.complete()) {
            String len = r.header("content-length").orElse(null);
            String what = len != null
                    ? "transfer closed with " + (parseLong(len) - r.body().length) + " bytes remaining to read"
                    : "transfer closed with outstanding read data remaining";
            done(urls, i, 18, what);
            return;
        }
        if (verbose) {
            io.err.write(
                    r.header("connection").map(v -> v.equalsIgnoreCase("close")).orElse(false)
                            ? "* Closing connection\n"
                            : "* Connection #0 to host " + url.host() + " left intact\n");
        }
        done(urls, i, 0, null);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String errno(PodNetwork.Failure f) {
        return switch (f) {
            case REFUSED -> "Connection refused";
            case UNREACHABLE -> io.network.podIp().isEmpty() ? "Network is unreachable" : "No route to host";
            default -> "Connection timed out";
        };
    }

    /** Where the transfer's output goes: stdout, {@code -o FILE}, or {@code -O} (the URL's file name). */
    private String outputPath() {
        if (output != null && !output.equals("-")) {
            return output;
        }
        if (remoteName && output == null) {
            return effectiveName();
        }
        return null;
    }

    private String effectiveName() {
        String last = effective.lastPathComponent();
        int q = last.indexOf('?');
        return q >= 0 ? last.substring(0, q) : last;
    }

    /** Writes to the transfer's output; false after ending the transfer when that failed. */
    private boolean sink(byte[] bytes, List<String> urls, int i) {
        String name = outputPath();
        if (name == null) {
            io.out.writeBytes(bytes);
            return true;
        }
        if (name.isEmpty()) {
            done(urls, i, 23, "Remote file name has no length");
            return false;
        }
        String p = io.path.apply(name);
        boolean append = !opened.add(p);
        String why = OutputFile.write(io.fs, p, bytes, append);
        if (why == null) {
            return true;
        }
        if (!append) {
            io.err.write("Warning: Failed to open the file " + name + ": " + why + "\n");
        }
        done(urls, i, 23, "Failure writing output to destination");
        return false;
    }

    /** Ends transfer {@code i}: meter, message, {@code -w}, then the next URL. */
    private void done(List<String> urls, int i, int code, String error) {
        // no meter for a URL curl rejects before any transfer starts
        boolean meter = !silent && !verbose && code != 1 && code != 3 && (outputPath() != null || !io.tty);
        if (meter) {
            io.err.write(CurlProgress.meter(sizeDownload, io.simulatedMillisSince(start)));
        }
        if (error != null && (!silent || showError)) {
            io.err.write("curl: (" + code + ") " + error + "\n");
        }
        exitCode = code;
        if (writeOut != null) {
            io.out.write(writeOut(writeOut));
        }
        next(urls, i + 1, code);
    }

    private String writeOut(String format) {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < format.length(); p++) {
            char c = format.charAt(p);
            if (c == '\\' && p + 1 < format.length()) {
                char e = format.charAt(++p);
                sb.append(
                        switch (e) {
                            case 'n' -> "\n";
                            case 't' -> "\t";
                            case 'r' -> "\r";
                            case '\\' -> "\\";
                            default -> "\\" + e;
                        });
            } else if (c == '%' && format.startsWith("%{", p)) {
                int end = format.indexOf('}', p);
                if (end < 0) {
                    sb.append(format.substring(p));
                    break;
                }
                String var = format.substring(p + 2, end);
                String v = variable(var);
                if (v == null) {
                    io.err.write("curl: unknown --write-out variable: '" + var + "'\n");
                } else {
                    sb.append(v);
                }
                p = end;
            } else if (c == '%' && format.startsWith("%%", p)) {
                sb.append('%');
                p++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private String variable(String var) {
        return switch (var) {
            case "http_code", "response_code" -> String.format(Locale.ROOT, "%03d", httpCode);
            case "remote_ip" -> remoteIp;
            case "remote_port" -> remotePort == 0 ? "" : Integer.toString(remotePort);
            case "size_download" -> Long.toString(sizeDownload);
            case "url_effective" -> effective == null ? "" : effective.toString();
            case "num_redirects" -> Integer.toString(redirects);
            case "content_type" -> contentType;
            case "exitcode" -> Integer.toString(exitCode);
            case "time_total" -> String.format(Locale.ROOT, "%.6f", io.simulatedMillisSince(start) / 1000.0);
            default -> null;
        };
    }
}
