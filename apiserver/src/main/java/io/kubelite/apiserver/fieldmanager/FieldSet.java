package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A set of field paths, as structured-merge-diff's {@code fieldpath.Set}: a tree whose nodes
 * are {@link PathElement}s, each node either a member of the set, the parent of members, or
 * both. It is what a manager owns in {@code managedFields[].fieldsV1}, whose JSON form
 * {@link #toFieldsV1()} writes ({@code {"f:spec":{"f:replicas":{}}}}, {@code ".": {}} for a
 * node that is a member and has members below it) and {@link #fromFieldsV1} reads.
 *
 * <p>Mutable through {@link #insert}; the set operations return new sets.
 */
public final class FieldSet {
    private boolean member;
    private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

    /** An empty set. */
    public FieldSet() {}

    /** Adds {@code path} (an empty path is ignored: the root is never a member). */
    public FieldSet insert(List<PathElement> path) {
        if (path.isEmpty()) {
            return this;
        }
        FieldSet node = this;
        for (PathElement pe : path) {
            node = node.children.computeIfAbsent(pe, k -> new FieldSet());
        }
        node.member = true;
        return this;
    }

    /** Whether {@code path} is a member. */
    public boolean has(List<PathElement> path) {
        FieldSet node = child(path);
        return node != null && node.member;
    }

    /** The subtree under {@code path}, or null. */
    FieldSet child(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement pe : path) {
            node = node.children.get(pe);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** The subtree under one element, or null. */
    FieldSet child(PathElement pe) {
        return children.get(pe);
    }

    /** Whether the node itself (the path leading here) is a member. */
    boolean isMember() {
        return member;
    }

    Map<PathElement, FieldSet> children() {
        return children;
    }

    public boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Members of either set. */
    public FieldSet union(FieldSet o) {
        FieldSet out = copy();
        out.addAll(o);
        return out;
    }

    private void addAll(FieldSet o) {
        member |= o.member;
        o.children.forEach(
                (pe, c) -> children.computeIfAbsent(pe, k -> new FieldSet()).addAll(c));
    }

    /** Members of this set that are not members of {@code o} (their descendants stay). */
    public FieldSet difference(FieldSet o) {
        FieldSet out = new FieldSet();
        out.member = member && (o == null || !o.member);
        children.forEach((pe, c) -> {
            FieldSet d = c.difference(o == null ? null : o.children.get(pe));
            if (!d.isEmpty()) {
                out.children.put(pe, d);
            }
        });
        return out;
    }

    /** Members of this set that are neither members of {@code o} nor below one of its members. */
    public FieldSet recursiveDifference(FieldSet o) {
        FieldSet out = new FieldSet();
        out.member = member && (o == null || !o.member);
        children.forEach((pe, c) -> {
            FieldSet oc = o == null ? null : o.children.get(pe);
            if (oc != null && oc.member) {
                return;
            }
            FieldSet d = c.recursiveDifference(oc);
            if (!d.isEmpty()) {
                out.children.put(pe, d);
            }
        });
        return out;
    }

    /** Members of both sets. */
    public FieldSet intersection(FieldSet o) {
        FieldSet out = new FieldSet();
        out.member = member && o.member;
        children.forEach((pe, c) -> {
            FieldSet oc = o.children.get(pe);
            if (oc != null) {
                FieldSet i = c.intersection(oc);
                if (!i.isEmpty()) {
                    out.children.put(pe, i);
                }
            }
        });
        return out;
    }

    /** The members with no member below them. */
    public FieldSet leaves() {
        FieldSet out = new FieldSet();
        forEachPath(p -> {
            FieldSet n = child(p);
            if (!n.hasMemberBelow()) {
                out.insert(p);
            }
        });
        return out;
    }

    private boolean hasMemberBelow() {
        for (FieldSet c : children.values()) {
            if (c.member || c.hasMemberBelow()) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} with every member's path, in order. */
    public void forEachPath(Consumer<List<PathElement>> action) {
        walk(new ArrayList<>(), action);
    }

    private void walk(List<PathElement> prefix, Consumer<List<PathElement>> action) {
        if (member) {
            action.accept(List.copyOf(prefix));
        }
        children.forEach((pe, c) -> {
            prefix.add(pe);
            c.walk(prefix, action);
            prefix.remove(prefix.size() - 1);
        });
    }

    /** The members' paths, in order. */
    public List<List<PathElement>> paths() {
        List<List<PathElement>> out = new ArrayList<>();
        forEachPath(out::add);
        return out;
    }

    public FieldSet copy() {
        FieldSet out = new FieldSet();
        out.member = member;
        children.forEach((pe, c) -> out.children.put(pe, c.copy()));
        return out;
    }

    /** The fieldsV1 JSON form. */
    public ObjectNode toFieldsV1() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        children.forEach((pe, c) -> {
            if (!c.isEmpty()) {
                ObjectNode co = c.toFieldsV1();
                if (c.member && !co.isEmpty()) {
                    ObjectNode withDot = JsonNodeFactory.instance.objectNode();
                    withDot.putObject(".");
                    withDot.setAll(co);
                    co = withDot;
                }
                o.set(pe.fieldsV1Key(), co);
            }
        });
        return o;
    }

    /**
     * Reads the fieldsV1 JSON form.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static FieldSet fromFieldsV1(JsonNode json) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be an object, got " + json.getNodeType());
        }
        FieldSet s = new FieldSet();
        json.properties().forEach(e -> {
            if (e.getKey().equals(".")) {
                s.member = true;
                return;
            }
            FieldSet c = fromFieldsV1(e.getValue());
            if (e.getValue().isEmpty()) {
                c.member = true;
            }
            s.children.put(PathElement.parse(e.getKey()), c);
        });
        return s;
    }

    /** The path in the form conflicts print it: {@code .spec.containers[name="nginx"].image}. */
    public static String toString(List<PathElement> path) {
        StringBuilder b = new StringBuilder();
        path.forEach(b::append);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet s && toFieldsV1().equals(s.toFieldsV1());
    }

    @Override
    public int hashCode() {
        return toFieldsV1().hashCode();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }
}
