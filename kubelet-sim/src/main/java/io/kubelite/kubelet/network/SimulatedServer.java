package io.kubelite.kubelet.network;

import io.kubelite.api.Container;
import io.kubelite.kubelet.runtime.SimContainer;
import io.kubelite.kubelet.shell.SimulatedFilesystem;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The TCP server side of a simulated container: which port its program listens on, and what it
 * answers to the bytes a client sent (one request per connection, then close). Recognised by the
 * image's repository name, as the runtime recognises shell images:
 *
 * <ul>
 *   <li>nginx-like (the name contains {@code nginx}): port 80, files under
 *       {@code /usr/share/nginx/html} ({@code index.html} for a directory), nginx's 404 page,
 *       {@code Server: nginx/1.27.3}. {@link #seed} writes nginx's default pages when the container
 *       is created, so that a user can overwrite them.
 *   <li>{@code hashicorp/http-echo}: {@code -listen} (default {@code :5678}); the {@code -text} and a
 *       newline, with {@code -status-code} (default 200).
 *   <li>agnhost: {@code serve-hostname} ({@code --port}, default 9376; the hostname) and
 *       {@code netexec} ({@code --http-port}, default 8080: {@code /hostname}, {@code /echo?msg=},
 *       {@code /clientip}, {@code /} answers {@code NOW: <time>}).
 *   <li>{@code serve_hostname}: port 9376, the hostname.
 *   <li>any other image: the ports it serves ({@link SimContainer#serves}), answering its
 *       {@code sim.kubelite.io/http-status} with the pod's name and a newline.
 * </ul>
 *
 * A request that is not HTTP gets the server's 400; an empty one (a connect-only check) nothing.
 */
public final class SimulatedServer {
    /** nginx's default pages, shared by every nginx container's filesystem (never written to). */
    private static final byte[] WELCOME_BYTES = NginxPages.WELCOME.getBytes(StandardCharsets.UTF_8);

    private static final byte[] ERROR_50X_BYTES = NginxPages.ERROR_50X.getBytes(StandardCharsets.UTF_8);

    static final String NGINX_ROOT = "/usr/share/nginx/html";
    static final String NGINX = "nginx/1.27.3";

    /** What the program is. */
    enum Kind {
        NGINX,
        HTTP_ECHO,
        SERVE_HOSTNAME,
        NETEXEC,
        GENERIC
    }

    private final Kind kind;
    private final int port;
    private final List<String> argv;

    private SimulatedServer(Kind kind, int port, List<String> argv) {
        this.kind = kind;
        this.port = port;
        this.argv = argv;
    }

    /** The server the container's spec runs. */
    public static SimulatedServer of(Container spec) {
        String repo = repository(spec.getImage());
        String base = repo.substring(repo.lastIndexOf('/') + 1);
        List<String> argv = new ArrayList<>(spec.getCommandList());
        argv.addAll(spec.getArgsList());
        if (base.contains("nginx")) {
            return new SimulatedServer(Kind.NGINX, 80, argv);
        }
        if (base.equals("http-echo")) {
            String listen = flag(argv, "listen").orElse(":5678");
            return new SimulatedServer(Kind.HTTP_ECHO, portOf(listen, 5678), argv);
        }
        if (base.equals("agnhost")) {
            if (argv.contains("netexec")) {
                return new SimulatedServer(
                        Kind.NETEXEC, portOf(flag(argv, "http-port").orElse("8080"), 8080), argv);
            }
            if (argv.contains("serve-hostname")) {
                return new SimulatedServer(
                        Kind.SERVE_HOSTNAME, portOf(flag(argv, "port").orElse("9376"), 9376), argv);
            }
        }
        if (base.equals("serve_hostname") || base.equals("serve-hostname")) {
            return new SimulatedServer(Kind.SERVE_HOSTNAME, 9376, argv);
        }
        return new SimulatedServer(Kind.GENERIC, -1, argv);
    }

    Kind kind() {
        return kind;
    }

    /** Whether {@code c}'s program accepts a connection on {@code port} now. */
    public boolean listens(SimContainer c, int port) {
        if (kind == Kind.GENERIC) {
            return c.serves(port);
        }
        return port == this.port && c.listening();
    }

    /** Writes what the image ships that a user may change: nginx's default pages. */
    public void seed(SimulatedFilesystem fs) {
        if (kind == Kind.NGINX && !fs.exists(NGINX_ROOT + "/index.html")) {
            fs.mkdir(NGINX_ROOT, true);
            // the same bytes in every nginx container, until one of them writes its own
            fs.writeShared(NGINX_ROOT + "/index.html", WELCOME_BYTES);
            fs.writeShared(NGINX_ROOT + "/50x.html", ERROR_50X_BYTES);
        }
    }

    /**
     * What {@code c} sends back on a connection from {@code clientIp:clientPort} that carried
     * {@code request}; {@code podName} is who answers for the generic server.
     */
    public byte[] answer(SimContainer c, String podName, byte[] request, String clientIp, int clientPort) {
        if (request.length == 0) {
            return new byte[0];
        }
        Optional<HttpRequest> parsed = HttpRequest.parse(request);
        if (parsed.isEmpty()) {
            return badRequest();
        }
        HttpRequest r = parsed.get();
        String hostname = hostname(c, podName);
        return switch (kind) {
            case NGINX -> nginx(c.filesystem(), r);
            case HTTP_ECHO -> {
                int status =
                        flag(argv, "status-code").map(s -> parseInt(s, 200)).orElse(200);
                yield HttpResponse.of(
                        status,
                        null,
                        "text/plain; charset=utf-8",
                        (flag(argv, "text").orElse("") + "\n").getBytes(StandardCharsets.UTF_8),
                        r.method().equals("HEAD"));
            }
            case SERVE_HOSTNAME -> HttpResponse.text(200, null, hostname);
            case NETEXEC -> netexec(r, hostname, clientIp, clientPort);
            case GENERIC -> HttpResponse.text(c.httpStatus(), null, podName + "\n");
        };
    }

    private byte[] badRequest() {
        if (kind == Kind.NGINX) {
            return HttpResponse.of(
                    400, NGINX, "text/html", NginxPages.error(400).getBytes(StandardCharsets.UTF_8), false);
        }
        return HttpResponse.text(400, null, "400 Bad Request");
    }

    private static byte[] nginx(SimulatedFilesystem fs, HttpRequest r) {
        boolean head = r.method().equals("HEAD");
        if (!head && !r.method().equals("GET")) {
            return HttpResponse.of(
                    405, NGINX, "text/html", NginxPages.error(405).getBytes(StandardCharsets.UTF_8), false);
        }
        String path = SimulatedFilesystem.normalize("/", java.net.URLDecoder.decode(r.path(), StandardCharsets.UTF_8));
        String file = NGINX_ROOT + (path.equals("/") ? "" : path);
        if (fs.isDirectory(file)) {
            file = file + "/index.html";
        }
        if (!fs.isFile(file)) {
            return HttpResponse.of(
                    404, NGINX, "text/html", NginxPages.error(404).getBytes(StandardCharsets.UTF_8), head);
        }
        return HttpResponse.of(200, NGINX, contentType(file), fs.readBytes(file), head);
    }

    private static String contentType(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        if (f.endsWith(".html") || f.endsWith(".htm")) {
            return "text/html";
        }
        if (f.endsWith(".css")) {
            return "text/css";
        }
        if (f.endsWith(".js")) {
            return "application/javascript";
        }
        if (f.endsWith(".json")) {
            return "application/json";
        }
        if (f.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }

    private static byte[] netexec(HttpRequest r, String hostname, String clientIp, int clientPort) {
        return switch (r.path()) {
            case "/hostname" -> HttpResponse.text(200, null, hostname);
            case "/echo" -> HttpResponse.text(200, null, r.param("msg") == null ? "" : r.param("msg"));
            case "/clientip" -> HttpResponse.text(200, null, clientIp + ":" + clientPort);
            case "/healthz" -> HttpResponse.text(200, null, "");
            case "/" -> HttpResponse.text(200, null, "NOW: " + goTime());
            default -> HttpResponse.text(404, null, "404 page not found\n");
        };
    }

    /** Go's {@code time.Now().String()} for UTC. */
    private static String goTime() {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS '+0000 UTC'", Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** What the program's {@code os.Hostname()} says: the container's /etc/hostname, else the pod's name. */
    private static String hostname(SimContainer c, String podName) {
        SimulatedFilesystem fs = c.filesystem();
        if (fs.isFile("/etc/hostname")) {
            String h = fs.read("/etc/hostname").trim();
            if (!h.isEmpty()) {
                return h;
            }
        }
        return podName;
    }

    /** A Go-style flag's value: {@code -name=v}, {@code --name=v}, {@code -name v} or {@code --name v}. */
    static Optional<String> flag(List<String> argv, String name) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            for (String prefix : List.of("--" + name, "-" + name)) {
                if (a.startsWith(prefix + "=")) {
                    return Optional.of(a.substring(prefix.length() + 1));
                }
                if (a.equals(prefix) && i + 1 < argv.size()) {
                    return Optional.of(argv.get(i + 1));
                }
            }
        }
        return Optional.empty();
    }

    private static int portOf(String listen, int fallback) {
        int colon = listen.lastIndexOf(':');
        return parseInt(colon < 0 ? listen : listen.substring(colon + 1), fallback);
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String repository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            s = s.substring(0, colon);
        }
        return s;
    }
}
