package io.kubelite.bench.density;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's {@code apiserver_request_duration_seconds} histogram (kube's name and labels),
 * read from one {@code /metrics} scrape and summed over every label but {@code verb} and
 * {@code resource}, as ClusterLoader2's API responsiveness measurement groups it. Two scrapes
 * subtract to the requests served in between; quantiles interpolate linearly inside a bucket, as
 * Prometheus' {@code histogram_quantile} does.
 */
final class ApiRequestHistograms {
    private static final String BUCKET = "apiserver_request_duration_seconds_bucket{";
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** One verb on one resource: request count and latency quantiles in milliseconds. */
    record Row(String verb, String resource, long count, double p50Ms, double p99Ms) {
        boolean mutating() {
            return switch (verb) {
                case "POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION" -> true;
                default -> false;
            };
        }
    }

    /** verb + " " + resource → upper bound in seconds → cumulative count. */
    private final Map<String, TreeMap<Double, Double>> buckets;

    private ApiRequestHistograms(Map<String, TreeMap<Double, Double>> buckets) {
        this.buckets = buckets;
    }

    /** Parses a Prometheus text exposition; lines of other metrics are ignored. */
    static ApiRequestHistograms parse(String metrics) {
        Map<String, TreeMap<Double, Double>> out = new HashMap<>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(BUCKET)) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> labels = new HashMap<>();
            Matcher m = LABEL.matcher(line.substring(BUCKET.length(), close));
            while (m.find()) {
                labels.put(m.group(1), m.group(2));
            }
            String le = labels.get("le");
            if (le == null || labels.getOrDefault("resource", "").isEmpty()) {
                continue; // non-resource requests (/api, /metrics) are not API calls in CL2's sense
            }
            double upper = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            double value = Double.parseDouble(line.substring(close + 1).trim());
            String key = labels.get("verb") + " "
                    + (labels.getOrDefault("subresource", "").isEmpty()
                            ? labels.get("resource")
                            : labels.get("resource") + "/" + labels.get("subresource"));
            out.computeIfAbsent(key, k -> new TreeMap<>()).merge(upper, value, Double::sum);
        }
        return new ApiRequestHistograms(out);
    }

    /** The requests served after {@code before} was scraped and until this scrape. */
    ApiRequestHistograms minus(ApiRequestHistograms before) {
        Map<String, TreeMap<Double, Double>> out = new HashMap<>();
        buckets.forEach((key, b) -> {
            TreeMap<Double, Double> old = before.buckets.getOrDefault(key, new TreeMap<>());
            TreeMap<Double, Double> d = new TreeMap<>();
            b.forEach((le, v) -> d.put(le, v - old.getOrDefault(le, 0.0)));
            out.put(key, d);
        });
        return new ApiRequestHistograms(out);
    }

    /** One row per verb and resource that served at least one request, sorted. */
    List<Row> rows() {
        List<Row> out = new ArrayList<>();
        new TreeMap<>(buckets).forEach((key, b) -> {
            double total = b.isEmpty() ? 0 : b.lastEntry().getValue();
            if (total >= 1) {
                String[] vr = key.split(" ", 2);
                out.add(new Row(vr[0], vr[1], Math.round(total), 1000 * quantile(b, 0.50), 1000 * quantile(b, 0.99)));
            }
        });
        return out;
    }

    /** Prometheus' histogram_quantile: linear inside the bucket; the last finite bound if in +Inf. */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.lastEntry().getValue();
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lower;
                }
                double inBucket = e.getValue() - below;
                return inBucket <= 0 ? e.getKey() : lower + (e.getKey() - lower) * (rank - below) / inBucket;
            }
            lower = e.getKey();
            below = e.getValue();
        }
        return lower;
    }
}
