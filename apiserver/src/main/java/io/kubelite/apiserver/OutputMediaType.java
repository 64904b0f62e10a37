package io.kubelite.apiserver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a get, list or watch answers, negotiated from the {@code Accept} header as
 * kube-apiserver's {@code NegotiateOutputMediaType} does: the clauses in order of their
 * q-values, the first one served wins. {@code application/json;as=Table;g=meta.k8s.io;v=v1}
 * (or {@code v1beta1}) asks for a {@code meta.k8s.io} Table, with {@code includeObject}
 * (None, Metadata by default, or Object) from the query; a clause without {@code as} is the
 * object itself: Kubernetes' protobuf when the clause names {@code application/vnd.kubernetes.protobuf}
 * (client-go's typed clients send it first, then {@code application/json}) and the handler can write
 * it (a get or list of a kind {@link KubeProtobufEncoder#encodable}), else JSON, whatever serialization
 * the clause names (a watch is JSON, as is a custom resource). kubectl
 * sends {@code as=Table;v=v1}, then {@code as=Table;v=v1beta1}, then plain JSON; a client
 * whose every clause asks for a conversion kubelite does not serve gets 406.
 *
 * @param table whether the answer is a Table
 * @param groupVersion the Table's apiVersion: {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
 * @param includeObject what each row's {@code object} holds: None, Metadata or Object
 */
record OutputMediaType(boolean table, String groupVersion, String includeObject, boolean protobuf) {
    static final OutputMediaType JSON = new OutputMediaType(false, null, null, false);
    /** Kubernetes' protobuf, for a get or list of a kind {@link KubeProtobufEncoder#encodable}; JSON for the rest. */
    static final OutputMediaType PROTOBUF = new OutputMediaType(false, null, null, true);

    OutputMediaType(boolean table, String groupVersion, String includeObject) {
        this(table, groupVersion, includeObject, false);
    }

    private static final List<String> INCLUDE = List.of("Metadata", "None", "Object");

    /** The answer {@code r} asked for; 406 when no clause is served, 400 for a bad includeObject. */
    static OutputMediaType of(Request r) {
        String accept = r.http().getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        for (Clause c : clauses(accept)) {
            String as = c.params().get("as");
            if (as == null) {
                return c.type().equals(KubeProtobuf.MEDIA_TYPE) ? PROTOBUF : JSON;
            }
            if (isTable(c)) {
                return new OutputMediaType(true, "meta.k8s.io/" + c.params().get("v"), includeObject(r));
            }
        }
        throw ApiException.of(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json, "
                        + "application/json;as=Table;v=v1;g=meta.k8s.io, "
                        + "application/json;as=Table;v=v1beta1;g=meta.k8s.io");
    }

    private static boolean isTable(Clause c) {
        String v = c.params().get("v");
        return c.params().get("as").equals("Table")
                && "meta.k8s.io".equals(c.params().get("g"))
                && ("v1".equals(v) || "v1beta1".equals(v))
                && (c.type().equals("application/json")
                        || c.type().equals("application/*")
                        || c.type().equals("*/*"));
    }

    /** kube's {@code ValidateTableOptions}: an empty includeObject is Metadata. */
    private static String includeObject(Request r) {
        String v = r.param("includeObject");
        if (v == null || v.isEmpty()) {
            return "Metadata";
        }
        if (!INCLUDE.contains(v)) {
            throw ApiException.badRequest(
                    "Unable to convert to Table as requested: includeObject: Unsupported value: \"" + v
                            + "\": supported values: \"Metadata\", \"None\", \"Object\"");
        }
        return v;
    }

    private record Clause(String type, Map<String, String> params, double q) {}

    /** The clauses with q > 0, highest q first, in header order among equals. */
    private static List<Clause> clauses(String accept) {
        List<Clause> out = new ArrayList<>();
        for (String part : accept.split(",")) {
            String[] fields = part.split(";");
            String type = fields[0].trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            double q = 1;
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = fields[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String v = unquote(fields[i].substring(eq + 1).trim());
                if (k.equals("q")) {
                    q = parseQ(v);
                } else {
                    params.put(k, v);
                }
            }
            if (q > 0) {
                out.add(new Clause(type, params, q));
            }
        }
        out.sort(Comparator.comparingDouble(Clause::q).reversed());
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static double parseQ(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
