package io.kubelite.metrics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one kubelet's Summary API answer into a {@link MetricsBatch}, as metrics-server's summary
 * decoder did ({@code decodeNodeStats}, {@code decodePodStats}): a point needs a non-zero
 * {@code usageCoreNanoSeconds} and a non-zero {@code workingSetBytes}; its timestamp is the earlier
 * of the CPU and memory {@code time}s (so a point tainted by a container's start is recognised).
 * A node without a usable point is left out; a pod is left out unless every one of its containers
 * has a usable point. Thread-safe.
 */
public final class SummaryDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(SummaryDecoder.class);

    private final ObjectMapper json =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Decodes the answer of node {@code nodeName}'s kubelet. The node's point is filed under
     * {@code nodeName} (the node the request named), whatever {@code node.nodeName} says.
     *
     * @throws IOException when the body is not a Summary
     */
    public MetricsBatch decode(String nodeName, byte[] body) throws IOException {
        Summary s = json.readValue(body, Summary.class);
        if (s == null) {
            throw new IOException("empty summary");
        }
        Map<String, MetricsPoint> nodes = new HashMap<>();
        if (s.node() != null) {
            MetricsPoint p = point(Instant.EPOCH, s.node().cpu(), s.node().memory(), "node " + nodeName);
            if (p != null) {
                nodes.put(nodeName, p);
            }
        }
        Map<PodRef, Map<String, MetricsPoint>> pods = new HashMap<>();
        for (Summary.PodStats pod : s.pods() == null ? List.<Summary.PodStats>of() : s.pods()) {
            if (pod == null
                    || pod.podRef() == null
                    || pod.podRef().name() == null
                    || pod.podRef().namespace() == null) {
                LOG.debug("summary of node {}: a pod without podRef skipped", nodeName);
                continue;
            }
            PodRef ref = new PodRef(pod.podRef().namespace(), pod.podRef().name());
            Map<String, MetricsPoint> containers = containers(ref, pod);
            if (containers != null) {
                pods.put(ref, containers);
            }
        }
        return new MetricsBatch(nodes, pods);
    }

    /** The pod's container points, or null when any container has no usable point. */
    private static Map<String, MetricsPoint> containers(PodRef ref, Summary.PodStats pod) {
        Map<String, MetricsPoint> out = new HashMap<>();
        for (Summary.ContainerStats c :
                pod.containers() == null ? List.<Summary.ContainerStats>of() : pod.containers()) {
            if (c == null || c.name() == null) {
                return null;
            }
            Instant start = c.startTime() == null ? Instant.EPOCH : time(c.startTime());
            MetricsPoint p =
                    start == null ? null : point(start, c.cpu(), c.memory(), "container " + ref + "/" + c.name());
            if (p == null) {
                return null;
            }
            out.put(c.name(), p);
        }
        return out;
    }

    private static MetricsPoint point(Instant start, Summary.CpuStats cpu, Summary.MemoryStats mem, String what) {
        Instant at = scrapeTime(cpu, mem);
        if (at == null) {
            LOG.debug("{}: no timestamp on either CPU or memory", what);
            return null;
        }
        if (cpu == null || cpu.usageCoreNanoSeconds() == null || cpu.usageCoreNanoSeconds() == 0) {
            LOG.debug("{}: missing or zero usageCoreNanoSeconds", what);
            return null;
        }
        if (mem == null || mem.workingSetBytes() == null || mem.workingSetBytes() == 0) {
            LOG.debug("{}: missing or zero workingSetBytes", what);
            return null;
        }
        return new MetricsPoint(start, at, cpu.usageCoreNanoSeconds(), mem.workingSetBytes());
    }

    /** metrics-server's {@code getScrapeTime}: the earlier of the two non-zero times. */
    private static Instant scrapeTime(Summary.CpuStats cpu, Summary.MemoryStats mem) {
        Instant c = cpu == null ? null : time(cpu.time());
        Instant m = mem == null ? null : time(mem.time());
        if (c == null) {
            return m;
        }
        return m == null || c.isBefore(m) ? c : m;
    }

    /** An RFC 3339 time; null when absent, unparsable or Go's zero time. */
    static Instant time(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(s).toInstant();
            return t.getEpochSecond() <= 0 ? null : t;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
