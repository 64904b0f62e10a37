package io.kubelite.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code kl proxy rules|trace}: asks a running {@code kubelite kube-proxy} (its {@code
 * --rules-port}, 127.0.0.1:10249 unless {@code --proxy-address} says otherwise) for a node's
 * iptables rules or the trace of a new connection through them.
 */
@Command(name = "proxy", description = "Inspect the kube-proxy rules of a node.")
final class ProxyCommand implements Runnable {
    static final String DEFAULT_ADDRESS = "127.0.0.1:10249";

    private final KlContext ctx;

    ProxyCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    /** The subcommands, added to this command's picocli CommandLine by {@link Kl}. */
    List<Object> subcommands() {
        return List.of(new ProxyRulesCommand(ctx), new ProxyTraceCommand(ctx));
    }

    @Override
    public void run() {
        throw new KlException("error: a subcommand is required: rules or trace", 2);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** GETs {@code path} from the kube-proxy at {@code address}; a non-200 answer is the error. */
    static String get(String address, String path) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> resp = client.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new KlException("error: " + resp.body().strip());
            }
            return resp.body();
        } catch (IOException e) {
            throw new KlException("error: cannot reach kube-proxy at " + address
                    + " (start kubelite kube-proxy or set --proxy-address): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KlException("error: interrupted");
        } catch (IllegalArgumentException e) {
            throw new KlException("error: bad --proxy-address " + address + ": " + e.getMessage(), 2);
        }
    }
}
