package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * structured-merge-diff's operations on typed values, over JSON trees and a {@link Shape}:
 * the set of fields a value sets ({@link #fieldSet}), what changed between two values
 * ({@link #compare}), the apply merge ({@link #merge}), the removal of owned items
 * ({@link #removeItems}). Stateless.
 */
final class TypedValues {
    private TypedValues() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What changed from one value to another. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        FieldSet modifiedOrAdded() {
            return modified.union(added);
        }
    }

    private enum Container {
        OBJECT,
        LIST,
        LEAF
    }

    private static Container container(Shape s) {
        if (s instanceof Shape.Struct st) {
            return st.atomic() ? Container.LEAF : Container.OBJECT;
        }
        if (s instanceof Shape.ListOf l) {
            return l.associative() ? Container.LIST : Container.LEAF;
        }
        return s instanceof Shape.Scalar ? Container.LEAF : Container.OBJECT;
    }

    /** How a value of shape {@code s} is walked: as a leaf when it is atomic or not of its shape's form. */
    private static Container walk(Shape s, JsonNode a, JsonNode b) {
        Container c = container(s);
        if (c == Container.OBJECT && fits(a, JsonNode::isObject) && fits(b, JsonNode::isObject)) {
            return c;
        }
        if (c == Container.LIST && fits(a, JsonNode::isArray) && fits(b, JsonNode::isArray)) {
            return c;
        }
        return Container.LEAF;
    }

    private static boolean fits(JsonNode n, java.util.function.Predicate<JsonNode> form) {
        return n == null || form.test(n);
    }

    private static Shape child(Shape s, PathElement pe) {
        if (s instanceof Shape.Struct st) {
            Shape f = pe.type() == PathElement.Type.FIELD ? st.field(pe.name()) : null;
            return f == null ? Shape.UNTYPED : f;
        }
        if (s instanceof Shape.MapOf m) {
            return m.values();
        }
        if (s instanceof Shape.ListOf l) {
            return l.elements();
        }
        return s;
    }

    private static List<PathElement> append(List<PathElement> path, PathElement pe) {
        List<PathElement> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(pe);
        return p;
    }

    // ---- fieldSet

    /**
     * Every field {@code value} sets, as structured-merge-diff's {@code ToFieldSet}: leaves,
     * list elements, and empty or null fields. {@code strict}: a field the schema does not
     * declare is a {@link SchemaException} (an applied configuration); otherwise it counts as
     * untyped data (a stored object).
     */
    static FieldSet fieldSet(JsonNode value, Shape shape, boolean strict) {
        FieldSet out = new FieldSet();
        collect(value, shape, List.of(), out, strict);
        return out;
    }

    private static void collect(JsonNode v, Shape s, List<PathElement> path, FieldSet out, boolean strict) {
        switch (walk(s, v, null)) {
            case LEAF -> out.insert(path);
            case OBJECT ->
                v.properties().forEach(e -> {
                    PathElement pe = PathElement.field(e.getKey());
                    Shape cs = child(s, pe);
                    if (strict
                            && s instanceof Shape.Struct st
                            && st.field(e.getKey()) == null
                            && !typeMeta(path, e.getKey())) {
                        throw new SchemaException(
                                FieldSet.toString(append(path, pe)) + ": field not declared in schema");
                    }
                    visitItem(e.getValue(), cs, append(path, pe), out, strict);
                });
            case LIST -> {
                Shape.ListOf l = (Shape.ListOf) s;
                for (int i = 0; i < v.size(); i++) {
                    JsonNode el = v.get(i);
                    PathElement pe = identify(l, el, i, path);
                    List<PathElement> p = append(path, pe);
                    out.insert(p);
                    if (!l.set() && el.isObject()) {
                        collect(el, l.elements(), p, out, strict);
                    }
                }
            }
        }
    }

    private static void visitItem(JsonNode c, Shape s, List<PathElement> p, FieldSet out, boolean strict) {
        if (c.isNull() || (c.isObject() && c.isEmpty())) {
            out.insert(p);
        } else {
            collect(c, s, p, out, strict);
        }
    }

    private static boolean typeMeta(List<PathElement> path, String field) {
        return path.isEmpty() && (field.equals("apiVersion") || field.equals("kind"));
    }

    private static PathElement identify(Shape.ListOf l, JsonNode el, int i, List<PathElement> path) {
        PathElement pe = l.identify(el, i);
        if (pe == null) {
            throw new SchemaException(FieldSet.toString(path) + ": element " + i
                    + ": associative list with keys has an element that omits key field(s) " + l.keys()
                    + " (and they have no default value)");
        }
        return pe;
    }

    // ---- compare

    /** What changed from {@code lhs} to {@code rhs}, as structured-merge-diff's {@code Compare}. */
    static Comparison compare(JsonNode lhs, JsonNode rhs, Shape shape) {
        Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(lhs, rhs, shape, List.of(), c);
        return c;
    }

    private static void compare(JsonNode l, JsonNode r, Shape s, List<PathElement> path, Comparison c) {
        if (l == null && r == null) {
            return;
        }
        switch (walk(s, l, r)) {
            case LEAF -> {
                if (l == null) {
                    c.added().insert(path);
                } else if (r == null) {
                    c.removed().insert(path);
                } else if (!same(l, r)) {
                    c.modified().insert(path);
                }
                return;
            }
            case OBJECT -> {
                Set<String> keys = new LinkedHashSet<>();
                if (l != null) {
                    l.fieldNames().forEachRemaining(keys::add);
                }
                if (r != null) {
                    r.fieldNames().forEachRemaining(keys::add);
                }
                for (String k : keys) {
                    PathElement pe = PathElement.field(k);
                    compare(
                            l == null ? null : l.get(k),
                            r == null ? null : r.get(k),
                            child(s, pe),
                            append(path, pe),
                            c);
                }
            }
            case LIST -> {
                Shape.ListOf list = (Shape.ListOf) s;
                Map<PathElement, JsonNode> li = index(list, l, path);
                Map<PathElement, JsonNode> ri = index(list, r, path);
                Set<PathElement> all = new LinkedHashSet<>(li.keySet());
                all.addAll(ri.keySet());
                for (PathElement pe : all) {
                    compare(li.get(pe), ri.get(pe), list.elements(), append(path, pe), c);
                }
            }
        }
        if (l == null) {
            c.added().insert(path);
        } else if (r == null) {
            c.removed().insert(path);
        }
    }

    private static Map<PathElement, JsonNode> index(Shape.ListOf l, JsonNode list, List<PathElement> path) {
        Map<PathElement, JsonNode> out = new java.util.LinkedHashMap<>();
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                out.put(identify(l, list.get(i), i, path), list.get(i));
            }
        }
        return out;
    }

    private static final Comparator<JsonNode> NUMERIC_AWARE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** JSON equality where 1, 1.0 and a long 1 are the same number. */
    static boolean same(JsonNode a, JsonNode b) {
        return a.equals(NUMERIC_AWARE, b);
    }

    // ---- merge

    /**
     * {@code config} merged into {@code live} as apply merges: objects and maps field by
     * field, associative lists element by element (the configuration's order, elements only
     * the live value has staying where they were), everything else replaced; a null in the
     * configuration removes the field.
     */
    static JsonNode merge(JsonNode live, JsonNode config, Shape s) {
        if (config == null) {
            return live == null ? null : live.deepCopy();
        }
        if (live == null && !config.isContainerNode()) {
            return config.deepCopy();
        }
        switch (walk(s, live, config)) {
            case OBJECT -> {
                ObjectNode out = live == null ? NODES.objectNode() : ((ObjectNode) live).deepCopy();
                config.properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        out.remove(e.getKey());
                    } else {
                        PathElement pe = PathElement.field(e.getKey());
                        out.set(
                                e.getKey(),
                                merge(live == null ? null : live.get(e.getKey()), e.getValue(), child(s, pe)));
                    }
                });
                return out;
            }
            case LIST -> {
                return mergeList(
                        (Shape.ListOf) s, live == null ? NODES.arrayNode() : (ArrayNode) live, (ArrayNode) config);
            }
            default -> {
                return config.deepCopy();
            }
        }
    }

    /** structured-merge-diff's list merge, order included. */
    private static ArrayNode mergeList(Shape.ListOf l, ArrayNode lhs, ArrayNode rhs) {
        List<PathElement> lhsPEs = new ArrayList<>();
        List<PathElement> rhsPEs = new ArrayList<>();
        Map<PathElement, JsonNode> observedL = new HashMap<>();
        Map<PathElement, JsonNode> observedR = new HashMap<>();
        for (int i = 0; i < lhs.size(); i++) {
            PathElement pe = identify(l, lhs.get(i), i, List.of());
            lhsPEs.add(pe);
            observedL.put(pe, lhs.get(i));
        }
        for (int i = 0; i < rhs.size(); i++) {
            PathElement pe = identify(l, rhs.get(i), i, List.of());
            rhsPEs.add(pe);
            observedR.put(pe, rhs.get(i));
        }
        Deque<PathElement> sharedOrder = new ArrayDeque<>();
        for (PathElement pe : rhsPEs) {
            if (observedL.containsKey(pe)) {
                sharedOrder.add(pe);
            }
        }
        PathElement nextShared = sharedOrder.poll();
        Set<PathElement> mergedR = new HashSet<>();
        ArrayNode out = NODES.arrayNode();
        int lI = 0;
        int rI = 0;
        while (lI < lhsPEs.size() || rI < rhsPEs.size()) {
            if (lI < lhsPEs.size() && rI < rhsPEs.size()) {
                PathElement pe = lhsPEs.get(lI);
                if (pe.equals(rhsPEs.get(rI))) {
                    mergedR.add(pe);
                    out.add(merge(observedL.get(pe), observedR.get(pe), l.elements()));
                    lI++;
                    rI++;
                    nextShared = sharedOrder.poll();
                    continue;
                }
                if (observedR.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    lI++;
                    continue;
                }
            }
            if (lI < lhsPEs.size()) {
                PathElement pe = lhsPEs.get(lI);
                if (!observedR.containsKey(pe)) {
                    out.add(lhs.get(lI).deepCopy());
                    lI++;
                    continue;
                } else if (mergedR.contains(pe)) {
                    lI++;
                    continue;
                }
            }
            if (rI < rhsPEs.size()) {
                PathElement pe = rhsPEs.get(rI);
                mergedR.add(pe);
                out.add(merge(observedL.get(pe), observedR.get(pe), l.elements()));
                rI++;
                if (nextShared != null && nextShared.equals(pe)) {
                    nextShared = sharedOrder.poll();
                }
            }
        }
        return out;
    }

    // ---- removeItems

    /** {@code value} without the members of {@code remove} (a member list element goes whole). */
    static JsonNode removeItems(JsonNode value, FieldSet remove, Shape s) {
        if (value == null || remove == null || remove.isEmpty()) {
            return value;
        }
        switch (walk(s, value, null)) {
            case OBJECT -> {
                ObjectNode out = ((ObjectNode) value).deepCopy();
                for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    PathElement pe = PathElement.field(k);
                    FieldSet cs = remove.child(pe);
                    if (cs == null) {
                        continue;
                    }
                    if (cs.isMember()) {
                        out.remove(k);
                    } else {
                        out.set(k, removeItems(value.get(k), cs, child(s, pe)));
                    }
                }
                return out;
            }
            case LIST -> {
                Shape.ListOf l = (Shape.ListOf) s;
                ArrayNode out = NODES.arrayNode();
                for (int i = 0; i < value.size(); i++) {
                    JsonNode el = value.get(i);
                    FieldSet cs = remove.child(identify(l, el, i, List.of()));
                    if (cs == null) {
                        out.add(el.deepCopy());
                    } else if (!cs.isMember()) {
                        out.add(removeItems(el, cs, l.elements()));
                    }
                }
                return out;
            }
            default -> {
                return value;
            }
        }
    }

    /**
     * {@code set} with every named field of an object that has members below it made a
     * member too, as structured-merge-diff's {@code EnsureNamedFieldsAreMembers}: so that
     * removing the items of one set from another never leaves an emptied object behind.
     */
    static FieldSet ensureNamedFieldsAreMembers(FieldSet set, Shape s) {
        FieldSet out = new FieldSet();
        if (set.isMember()) {
            out.insert(List.of());
        }
        ensure(set, s, new ArrayList<>(), out);
        return out;
    }

    private static void ensure(FieldSet set, Shape s, List<PathElement> path, FieldSet out) {
        set.children().forEach((pe, cs) -> {
            List<PathElement> p = append(path, pe);
            boolean named = s instanceof Shape.Struct st
                    && !st.atomic()
                    && pe.type() == PathElement.Type.FIELD
                    && st.field(pe.name()) != null;
            if (cs.isMember() || named) {
                out.insert(p);
            }
            ensure(cs, child(s, pe), p, out);
        });
    }
}
