package io.kubelite.bench.density;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one row per pod of a run: when it was first seen in etcd, scheduled, Running in etcd
 * ({@link EtcdPodTimeline}) and Running through the API watch ({@link ApiPodWatch}), in
 * milliseconds after the run's first create, sorted by creation. A percentile says how slow the
 * tail is; these rows say when it happened (warm-up, a GC, a burst), which is what one needs to
 * find its cause. A time not seen is left empty.
 */
final class PodTimesCsv {
    static final String HEADER = "pod,created_ms,scheduled_ms,running_ms,watched_ms";

    private PodTimesCsv() {}

    static void write(Path file, long t0Nanos, EtcdPodTimeline timeline, ApiPodWatch watch) throws IOException {
        record Row(String name, long created, long scheduled, long running, Long watched) {}
        List<Row> rows = new ArrayList<>();
        for (String name : timeline.names()) {
            EtcdPodTimeline.Times t = timeline.get(name);
            rows.add(new Row(name, t.created, t.scheduled, t.running, watch.running(name)));
        }
        rows.sort((a, b) -> Long.compare(a.created(), b.created()));
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write(HEADER);
            w.write('\n');
            for (Row r : rows) {
                w.write(r.name());
                for (long nanos :
                        new long[] {r.created(), r.scheduled(), r.running(), r.watched() == null ? 0 : r.watched()}) {
                    w.write(',');
                    if (nanos != 0) {
                        w.write(String.format(Locale.ROOT, "%.1f", (nanos - t0Nanos) / 1e6));
                    }
                }
                w.write('\n');
            }
        }
    }
}
