package io.kubelite.etcdlite;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * Yields a real etcd and an etcdlite, each started once per test run and stopped at its
 * end, so a {@code @ParameterizedTest @ArgumentsSource(BothServers.class)} method runs
 * the same assertions on both.
 */
public final class BothServers implements ArgumentsProvider {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BothServers.class);

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return Stream.of(
                Arguments.of(server(context, "etcd", TestServer::etcd)),
                Arguments.of(server(context, "etcdlite", TestServer::etcdlite)));
    }

    private static TestServer server(ExtensionContext context, String key, Supplier<TestServer> start) {
        return context.getRoot().getStore(NS).computeIfAbsent(key, k -> new Running(start.get()), Running.class).server;
    }

    /** Closed by JUnit when the root context ends, i.e. after the whole run. */
    private record Running(TestServer server) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
