package io.kubelite.kubelet.network;

import io.kubelite.kubelet.shell.PodNetwork;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One pod's network namespace on the {@link SimNetwork}: its connections leave from its IP on its node. */
final class RoutedPodNetwork implements PodNetwork {
    private final SimNetwork network;
    private final SimNetwork.Source source;

    RoutedPodNetwork(SimNetwork network, SimNetwork.Source source) {
        this.network = network;
        this.source = source;
    }

    @Override
    public String podIp() {
        return source.podIp();
    }

    @Override
    public CompletableFuture<Reply> tcp(String ip, int port, byte[] request, Duration timeout) {
        return network.connect(source, "TCP", ip, port, request, timeout);
    }

    @Override
    public CompletableFuture<Reply> udp(String ip, int port, byte[] datagram, Duration timeout) {
        return network.connect(source, "UDP", ip, port, datagram, timeout);
    }
}
