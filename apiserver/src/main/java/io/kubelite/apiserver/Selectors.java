package io.kubelite.apiserver;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.api.labels.Selector;
import io.kubelite.kinds.Kind;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import io.kubelite.kinds.autoscaling.scale.ScaleSelectors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kubernetes label selectors ({@code a=b,c!=d,e in (f,g),h notin (i),j,!k}) and field
 * selectors ({@code metadata.name=x,spec.nodeName!=,status.phase=Running}), parsed into
 * predicates over objects. Parse errors are {@link ApiException}s (400 BadRequest) with
 * kube-apiserver's wording.
 */
public final class Selectors {
    private Selectors() {}

    /** The {@code labelSelector} parameter over objects' metadata; a syntax error answers 400 as kube-apiserver does. */
    public static Predicate<ObjectMeta> labels(String selector) {
        Selector s = parseLabels(selector);
        return s == Selector.everything() ? m -> true : m -> s.matches(m.getLabelsMap());
    }

    /** Kubernetes' label selector string syntax ({@link ScaleSelectors#parse}); a syntax error is a 400. */
    static Selector parseLabels(String selector) {
        try {
            return ScaleSelectors.parse(selector);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** A field selector over objects of {@code r}; unsupported fields answer 400 as kube-apiserver does. */
    public static <T extends Message> Predicate<T> fields(Resource<T> r, String selector) {
        if (selector == null || selector.isBlank()) {
            return o -> true;
        }
        Kind<T> kind = Kinds.of(r);
        List<Predicate<T>> reqs = new ArrayList<>();
        for (String term : selector.split(",")) {
            String t = term.trim();
            if (t.isEmpty()) {
                continue;
            }
            boolean not = false;
            String field;
            String value;
            int i;
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
            if (!kind.selectableFields().contains(f)) {
                throw ApiException.badRequest("field label not supported: " + f);
            }
            boolean negate = not;
            reqs.add(o -> negate != v.equals(kind.fieldValue(o, f).orElse("")));
        }
        return o -> {
            for (Predicate<T> p : reqs) {
                if (!p.test(o)) {
                    return false;
                }
            }
            return true;
        };
    }
}
