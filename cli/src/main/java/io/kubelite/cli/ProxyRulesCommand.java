package io.kubelite.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kl proxy rules NODE}: the node's kube-proxy rules in iptables-save form. */
@Command(name = "rules", description = "Print a node's kube-proxy iptables rules (iptables-save form).")
final class ProxyRulesCommand implements Runnable {
    private final KlContext ctx;

    @Parameters(index = "0", paramLabel = "NODE")
    String node;

    @Option(names = "--proxy-address", defaultValue = ProxyCommand.DEFAULT_ADDRESS, paramLabel = "HOST:PORT")
    String address = ProxyCommand.DEFAULT_ADDRESS;

    ProxyRulesCommand(KlContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        ctx.out().print(ProxyCommand.get(address, "/rules/" + ProxyCommand.encode(node)));
        ctx.out().flush();
    }
}
