package io.kubelite.store.runtime;

import io.etcd.jetcd.KV;
import io.kubelite.store.election.Leadership;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Test-only process: a component that records its lifecycle as keys under
 * {@code <prefix>/_kubelite/sample/<id>/} (started, leading, closed), run through
 * {@link ComponentMain} exactly as a real kubelite main would be.
 */
@Command(name = "sample", mixinStandardHelpOptions = true)
public final class SampleComponentMain implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @CommandLine.Option(names = "--hang-on-close", description = "close() never returns (tests the stop watchdog)")
    boolean hangOnClose;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SampleComponentMain()).execute(args));
    }

    @Override
    public Integer call() {
        return new ComponentMain("sample", new Recorder(hangOnClose), common, ElectorFactory.UNAVAILABLE).run();
    }

    static final class Recorder implements Component {
        private final boolean hangOnClose;
        private ComponentContext ctx;
        private boolean closed;

        Recorder(boolean hangOnClose) {
            this.hangOnClose = hangOnClose;
        }

        @Override
        public void start(ComponentContext ctx) throws Exception {
            this.ctx = ctx;
            put("started");
            ctx.readiness().add("sample-warm", () -> true);
        }

        @Override
        public void onStartedLeading(Leadership term) {
            put("leading");
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            put("closed");
            if (hangOnClose) {
                try {
                    new java.util.concurrent.CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void put(String what) {
            String key = ctx.etcd().prefix() + "/_kubelite/sample/" + ctx.identity() + "/" + what;
            KV kv = ctx.etcd().client().getKVClient();
            try {
                ctx.etcd()
                        .call(
                                key,
                                () -> kv.put(io.kubelite.store.Etcd.bytes(key), io.kubelite.store.Etcd.bytes(what))
                                        .thenApply(r -> r))
                        .get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot write " + key, e);
            }
        }
    }
}
