package io.kubelite.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every kl command shares: the streams, the environment, the clock, and what the global
 * options resolve to (the kubeconfig, the API client, the namespace).
 *
 * <p>Commands are built before picocli parses the command line, so the global options are read
 * through a supplier, and only once a command runs. The kubeconfig is read at most once and only
 * when something needs it: with {@code --server} and {@code --token} given, a missing kubeconfig
 * is no error.
 */
final class KlContext {
    /** The global options as given on the command line; null where not given. */
    record Flags(
            String server,
            String token,
            String kubeconfig,
            String namespace,
            String certificateAuthority,
            boolean insecureSkipTlsVerify) {}

    private final Supplier<Flags> flags;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;
    private KubeConfig config;

    KlContext(
            Supplier<Flags> flags,
            InputStream in,
            PrintStream out,
            PrintStream err,
            Map<String, String> env,
            Clock clock) {
        this.flags = flags;
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Map<String, String> env() {
        return env;
    }

    Clock clock() {
        return clock;
    }

    KubeConfig config() {
        if (config == null) {
            config = KubeConfig.load(flags.get().kubeconfig(), env);
        }
        return config;
    }

    /** A client for the server of {@code --server}, else the kubeconfig's, else http://127.0.0.1:6443. */
    ApiClient client() {
        Flags f = flags.get();
        String s = f.server() != null ? f.server() : config().server();
        if (s == null || s.isEmpty()) {
            s = "http://127.0.0.1:6443";
        }
        String t = f.token() != null ? f.token() : config().token();
        if (!s.startsWith("https://")) {
            return new ApiClient(s, t, null);
        }
        // as kubectl: --server replaces the cluster's address, its CA still applies
        boolean insecure = f.insecureSkipTlsVerify() || "true".equals(config().insecure());
        byte[] ca = null;
        if (f.certificateAuthority() != null) {
            try {
                ca = Files.readAllBytes(Path.of(f.certificateAuthority()));
            } catch (IOException e) {
                throw new KlException("error: unable to read certificate-authority " + f.certificateAuthority() + ": "
                        + e.getMessage());
            }
        } else {
            ca = config().caPem();
        }
        return new ApiClient(s, t, Tls.context(ca, insecure, config().certPem(), config().keyPem()));
    }

    /** The namespace to work in: {@code -n}, else the kubeconfig context's, else "default". */
    String namespace() {
        String n = flags.get().namespace();
        if (n != null && !n.isEmpty()) {
            return n;
        }
        String c = config().namespace();
        return c == null || c.isEmpty() ? "default" : c;
    }

    /** {@code -n} exactly as given (null when not given), for a command that must check it against an object. */
    String namespaceFlag() {
        return flags.get().namespace();
    }
}
