package io.kubelite.apiserver;

import io.kubelite.store.runtime.CommonOptions;
import io.kubelite.store.runtime.ComponentMain;
import io.kubelite.store.runtime.DurationConverter;
import io.kubelite.store.runtime.ElectorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubelite apiserver}: flags in kube-apiserver's names where they exist. */
@Command(
        name = "apiserver",
        mixinStandardHelpOptions = true,
        description = "Serves the Kubernetes API over etcd. Stateless: run as many replicas as you like.")
public final class ApiServerMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(
            names = "--secure-port",
            defaultValue = "6443",
            description = "Port to serve on; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--token-auth-file",
            description = "kube-apiserver static token CSV: token,user,uid[,\"group1,group2\"].")
    Path tokenFile;

    @Option(
            names = "--anonymous-auth",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "false",
            description =
                    "Serve requests without a token as system:anonymous, with full rights (default: ${DEFAULT-VALUE}).")
    boolean anonymous;

    @Option(names = "--tls-cert-file", description = "PEM certificate; with --tls-private-key-file serves HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-private-key-file", description = "PEM private key.")
    Path tlsKey;

    @Option(
            names = "--client-ca-file",
            description = "PEM CA bundle: a client certificate it signed authenticates its CN as the user, "
                    + "its O entries as groups (needs --tls-cert-file).")
    Path clientCa;

    @Option(
            names = "--max-requests-inflight",
            defaultValue = "400",
            description = "Non-watch requests served at once before 429 (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--watch-cache-size",
            defaultValue = "10000",
            description = "Change history kept per resource (default: ${DEFAULT-VALUE}).")
    int watchCacheSize;

    @Option(
            names = "--watch-bookmark-interval",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How often watchers that allow bookmarks get one (default: ${DEFAULT-VALUE}).")
    Duration bookmarkInterval;

    @Option(
            names = "--etcd-compaction-interval",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How often etcd's history is compacted; 0 disables (default: ${DEFAULT-VALUE}).")
    Duration compactionInterval;

    @Option(names = "--event-loops", defaultValue = "2", description = "HTTP event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("kubelite apiserver: --tls-cert-file and --tls-private-key-file go together");
            return 1;
        }
        if (clientCa != null && tlsCert == null) {
            System.err.println("kubelite apiserver: --client-ca-file needs --tls-cert-file and --tls-private-key-file");
            return 1;
        }
        for (Path p : new Path[] {tlsCert, tlsKey, clientCa}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) {
                System.err.println("kubelite apiserver: cannot read " + p);
                return 1;
            }
        }
        Map<String, Auth.User> tokens = tokenFile == null ? Map.of() : Auth.readTokenFile(tokenFile);
        ApiServerConfig config = new ApiServerConfig(
                bindAddress,
                port,
                tokens,
                anonymous,
                tlsCert,
                tlsKey,
                clientCa,
                maxInFlight,
                watchCacheSize,
                bookmarkInterval,
                eventLoops,
                ApiServerConfig.DEFAULT_BODY_LIMIT);
        return new ComponentMain(
                        "apiserver",
                        new ApiServer(config).withCompactionInterval(compactionInterval),
                        common,
                        ElectorFactory.UNAVAILABLE)
                .run();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApiServerMain()).execute(args));
    }
}
