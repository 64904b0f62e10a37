package io.kubelite.etcdlite;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC channel to a test server, for RPCs jetcd does not expose; closing shuts it down. */
final class GrpcChannel implements AutoCloseable {
    final ManagedChannel channel;

    GrpcChannel(String endpoint) {
        channel = NettyChannelBuilder.forTarget(endpoint)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
