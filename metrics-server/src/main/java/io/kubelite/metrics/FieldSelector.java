package io.kubelite.metrics;

import io.kubelite.api.ObjectMeta;
import io.kubelite.apiserver.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A field selector over objects' metadata, as metrics-server applies one: it matches the selector
 * against {@code metadata.name} and {@code metadata.namespace} (kube's
 * {@code AddObjectMetaFieldsSet}); any other field has the empty value, so {@code f=x} matches
 * nothing and {@code f!=x} everything. A term without {@code =} answers 400, as kube's parser.
 */
final class FieldSelector {
    private FieldSelector() {}

    static Predicate<ObjectMeta> parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return m -> true;
        }
        List<Predicate<ObjectMeta>> terms = new ArrayList<>();
        for (String raw : selector.split(",")) {
            String t = raw.trim();
            if (t.isEmpty()) {
                continue;
            }
            int i;
            boolean not = false;
            String field;
            String value;
            if ((i = t.indexOf("!=")) > 0) {
                not = true;
                field = t.substring(0, i);
                value = t.substring(i + 2);
            } else if ((i = t.indexOf("==")) > 0) {
                field = t.substring(0, i);
                value = t.substring(i + 2);
            } else if ((i = t.indexOf('=')) > 0) {
                field = t.substring(0, i);
                value = t.substring(i + 1);
            } else {
                throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + t + "'");
            }
            String f = field.trim();
            String v = value.trim();
            boolean negate = not;
            terms.add(m -> negate != v.equals(value(m, f)));
        }
        return m -> terms.stream().allMatch(p -> p.test(m));
    }

    private static String value(ObjectMeta m, String field) {
        return switch (field) {
            case "metadata.name" -> m.getName();
            case "metadata.namespace" -> m.getNamespace();
            default -> "";
        };
    }
}
