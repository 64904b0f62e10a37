package io.kubelite.kubelet.stats;

import io.prometheus.metrics.config.ExporterProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes metric snapshots in the format the request's {@code Accept} header asks for, as the
 * Prometheus client library's HTTP exporter negotiates it: the Prometheus protobuf format,
 * OpenMetrics text, else the Prometheus text format 0.0.4. Sample timestamps in the text format
 * are milliseconds, as Go's client writes them. Thread-safe.
 */
public final class PrometheusExposition {
    /** What was written and its {@code Content-Type}. */
    public record Body(String contentType, byte[] bytes) {}

    private final ExpositionFormats formats = ExpositionFormats.init(
            ExporterProperties.builder().prometheusTimestampsInMs(true).build());

    public Body write(MetricSnapshots snapshots, String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return new Body(writer.getContentType(), out.toByteArray());
    }
}
