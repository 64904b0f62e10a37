package io.kubelite.apiserver.testing;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A test's stand-in for the kubelet when neither the scheduler nor kubelet-sim runs: {@code step}
 * (bind, make Ready, finish deletions — whatever the test's pods need) runs every 50 ms on this
 * object's own thread until {@link #close()}. A step that fails (a pod changed or deleted under it)
 * is simply tried again next round, as a kubelet's sync would be.
 */
public final class StandInKubelet implements AutoCloseable {
    private final ScheduledExecutorService loop;

    private StandInKubelet(Runnable step) {
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-kubelet");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(
                () -> {
                    try {
                        step.run();
                    } catch (RuntimeException e) {
                        // a pod changed under us: next round
                    }
                },
                0,
                50,
                TimeUnit.MILLISECONDS);
    }

    public static StandInKubelet start(Runnable step) {
        return new StandInKubelet(step);
    }

    /** Stops the loop and waits for a running step to end; idempotent. */
    @Override
    public void close() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
    }
}
