package io.kubelite.etcdlite;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubelite.store.testing.FreePorts;
import io.kubelite.store.testing.ProcessEtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (a program, not a test): durable puts with 1 and 64 clients and reads with 16
 * clients, against a real etcd and an etcdlite child process on this machine, same run.
 * Run: {@code java -cp <etcdlite test classpath> io.kubelite.etcdlite.EtcdLiteBench [seconds]}.
 */
public final class EtcdLiteBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("etcdlite-bench");
        double[] etcd;
        double[] lite;
        try (ProcessEtcdCluster e = ProcessEtcdCluster.start(1)) {
            etcd = run("etcd", e.endpoints().get(0), seconds);
        }
        int port = FreePorts.next();
        try (LiteProcess l = LiteProcess.start(dir.resolve("lite"), port)) {
            lite = run("etcdlite", "127.0.0.1:" + port, seconds);
        }
        String[] names = {"put, 1 client", "put, 64 clients", "get, 16 clients"};
        System.out.printf(
                "%ncores: %d, %d s per measurement%n", Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("%-18s %12s %12s %8s%n", "operation", "etcd op/s", "etcdlite op/s", "ratio");
        for (int i = 0; i < names.length; i++) {
            System.out.printf("%-18s %12.0f %12.0f %8.2f%n", names[i], etcd[i], lite[i], lite[i] / etcd[i]);
        }
    }

    private static double[] run(String name, String endpoint, int seconds) throws Exception {
        try (Client c = Client.builder().endpoints("http://" + endpoint).build()) {
            c.getKVClient().put(bs("/bench/read"), bs("x".repeat(256))).get(10, TimeUnit.SECONDS);
            double p1 = measure(c, 1, seconds, false);
            double p64 = measure(c, 64, seconds, false);
            double g16 = measure(c, 16, seconds, true);
            System.out.printf("%s: put1 %.0f/s, put64 %.0f/s, get16 %.0f/s%n", name, p1, p64, g16);
            return new double[] {p1, p64, g16};
        }
    }

    private static double measure(Client c, int clients, int seconds, boolean reads) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        Thread[] ts = new Thread[clients];
        ByteSequence value = bs("v".repeat(256));
        for (int i = 0; i < clients; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                long n = 0;
                while (!stop.get()) {
                    try {
                        if (reads) {
                            c.getKVClient().get(bs("/bench/read")).get(10, TimeUnit.SECONDS);
                        } else {
                            c.getKVClient()
                                    .put(bs("/bench/w" + id + "/" + (n++ % 1000)), value)
                                    .get(10, TimeUnit.SECONDS);
                        }
                        ops.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            ts[i].start();
        }
        Thread.sleep(1000); // warm-up period of the measurement, not a wait for state
        long start = System.nanoTime();
        long before = ops.get();
        Thread.sleep(seconds * 1000L);
        long after = ops.get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        return (after - before) / elapsed;
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
