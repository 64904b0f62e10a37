package io.kubelite.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kl proxy trace NODE IP:PORT [--from IP]}: which chains a new connection to IP:PORT on NODE
 * goes through and which endpoint it reaches (or REJECT/DROP).
 */
@Command(name = "trace", description = "Trace a new connection through a node's kube-proxy rules.")
final class ProxyTraceCommand implements Runnable {
    private final KlContext ctx;

    @Parameters(index = "0", paramLabel = "NODE")
    String node;

    @Parameters(index = "1", paramLabel = "IP:PORT")
    String destination;

    @Option(names = "--from", paramLabel = "IP", description = "Source address (default: a pod, 10.0.0.1).")
    String from;

    @Option(names = "--protocol", defaultValue = "TCP", paramLabel = "PROTO")
    String protocol = "TCP";

    @Option(
            names = "--node-ip",
            paramLabel = "IP",
            description = "The node's own address, so IP:PORT on it is NodePort traffic.")
    String nodeIp;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "N",
            description = "Seed for the random endpoint choice (same seed, same answer).")
    long seed;

    @Option(names = "--proxy-address", defaultValue = ProxyCommand.DEFAULT_ADDRESS, paramLabel = "HOST:PORT")
    String address = ProxyCommand.DEFAULT_ADDRESS;

    ProxyTraceCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        if (!destination.matches("[0-9.]+:\\d+")) {
            throw new KlException("error: destination must be IP:PORT, got " + destination, 2);
        }
        StringBuilder path = new StringBuilder("/trace/")
                .append(ProxyCommand.encode(node))
                .append("?dst=")
                .append(ProxyCommand.encode(destination))
                .append("&protocol=")
                .append(ProxyCommand.encode(protocol))
                .append("&seed=")
                .append(seed);
        if (from != null) {
            path.append("&from=").append(ProxyCommand.encode(from));
        }
        if (nodeIp != null) {
            path.append("&node-ip=").append(ProxyCommand.encode(nodeIp));
        }
        ctx.out().print(ProxyCommand.get(address, path.toString()));
        ctx.out().flush();
    }
}
