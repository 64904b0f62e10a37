package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.kinds.ApiVersions;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which built-in group-versions the API server serves: kube-apiserver's {@code --runtime-config}.
 * Without it, the GA versions ({@link ApiVersions#enabledByDefault}); with it, a comma-separated
 * list of {@code key[=value]} (a missing value is {@code true}; values as Go's
 * {@code strconv.ParseBool}), applied as kube applies them: {@code api/all} first, then
 * {@code api/ga}, {@code api/beta} and {@code api/alpha}, then single group-versions
 * ({@code batch/v1beta1}, {@code api/v1} or {@code api/legacy} for the core group), which win.
 *
 * <p>Unlike kube-apiserver, which skips a group it does not know (it may belong to an aggregated
 * server), an unknown group or version is an error here: kubelite aggregates nothing, so it can
 * only be a typo. The core group cannot be disabled (every kubelite component needs it).
 * Custom resources are not affected: a CRD says which of its versions are served. Immutable.
 */
public final class RuntimeConfig {
    private static final RuntimeConfig DEFAULT = new RuntimeConfig(Map.of(), "");

    /** "group/version" → enabled, for the group-versions the flag decided. */
    private final Map<String, Boolean> decided;

    private final String text;

    private RuntimeConfig(Map<String, Boolean> decided, String text) {
        this.decided = Map.copyOf(decided);
        this.text = text;
    }

    /** Nothing but the defaults: GA versions on, beta and alpha off. */
    public static RuntimeConfig defaults() {
        return DEFAULT;
    }

    /**
     * Parses the flag's value against the built-in group-versions.
     *
     * @throws IllegalArgumentException naming the bad entry: unknown group-version, a bad value,
     *     a key that is not {@code group/version}, or disabling the core group
     */
    public static RuntimeConfig parse(String flag) {
        if (flag == null || flag.isBlank()) {
            return DEFAULT;
        }
        Set<String> known = builtInGroupVersions();
        Map<String, Boolean> entries = new LinkedHashMap<>();
        for (String part : flag.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).trim();
            String value = eq < 0 ? "" : p.substring(eq + 1).trim();
            entries.put(key, bool(key, value));
        }
        Map<String, Boolean> decided = new LinkedHashMap<>();
        Boolean all = entries.remove("api/all");
        if (all != null) {
            known.forEach(gv -> decided.put(gv, all));
        }
        for (var level : List.of(
                Map.entry("api/ga", ApiVersions.Stability.GA),
                Map.entry("api/beta", ApiVersions.Stability.BETA),
                Map.entry("api/alpha", ApiVersions.Stability.ALPHA))) {
            Boolean on = entries.remove(level.getKey());
            if (on != null) {
                for (String gv : known) {
                    if (ApiVersions.stability(version(gv)) == level.getValue()) {
                        decided.put(gv, on);
                    }
                }
            }
        }
        for (var e : entries.entrySet()) {
            String gv = groupVersion(e.getKey(), known);
            if (gv.equals("/v1") && !e.getValue()) {
                throw new IllegalArgumentException("--runtime-config: cannot disable the core group (" + e.getKey()
                        + "=false): every kubelite component needs it");
            }
            decided.put(gv, e.getValue());
        }
        decided.remove("/v1"); // always on, also under api/all=false
        return new RuntimeConfig(decided, flag);
    }

    /** Whether the built-in {@code group}/{@code version} is served. */
    public boolean enabled(String group, String version) {
        Boolean d = decided.get(group + "/" + version);
        return d != null ? d : ApiVersions.enabledByDefault(version);
    }

    /** The built-in resources served under this configuration, in registry order. */
    public List<Resource<? extends Message>> served() {
        List<Resource<? extends Message>> out = new ArrayList<>();
        for (Resource<? extends Message> r : Kinds.resources()) {
            if (enabled(r.group(), r.version())) {
                out.add(r);
            }
        }
        return out;
    }

    /** "group/version" of each key form: {@code batch/v1beta1}, {@code api/v1}, {@code api/legacy}. */
    private static String groupVersion(String key, Set<String> known) {
        String k = key.equals("api/legacy") ? "api/v1" : key;
        String[] t = k.split("/");
        if (t.length != 2 || t[0].isEmpty() || t[1].isEmpty()) {
            throw new IllegalArgumentException("--runtime-config: invalid key \"" + key
                    + "\": want <group>/<version> (api/v1 for the core group), api/all, api/ga, api/beta or api/alpha"
                    + " (single resources cannot be switched)");
        }
        String gv = t[0].equals("api") ? "/" + t[1] : t[0] + "/" + t[1];
        if (!known.contains(gv)) {
            Set<String> groupVersions = new TreeSet<>();
            known.forEach(x -> groupVersions.add(x.startsWith("/") ? "api" + x : x));
            throw new IllegalArgumentException("--runtime-config: unknown API group-version \"" + key
                    + "\"; built-in group-versions: " + String.join(", ", groupVersions));
        }
        return gv;
    }

    /** Go's {@code strconv.ParseBool}, an empty value being {@code true} as kube takes it. */
    private static boolean bool(String key, String value) {
        return switch (value) {
            case "", "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default ->
                throw new IllegalArgumentException(
                        "--runtime-config: invalid value of " + key + ": \"" + value + "\" (want true or false)");
        };
    }

    private static Set<String> builtInGroupVersions() {
        Set<String> out = new LinkedHashSet<>();
        for (Resource<? extends Message> r : Kinds.resources()) {
            out.add(r.group() + "/" + r.version());
        }
        return out;
    }

    private static String version(String gv) {
        return gv.substring(gv.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "defaults" : text;
    }
}
