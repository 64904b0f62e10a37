package io.kubelite.kinds;

import com.google.protobuf.Message;
import io.kubelite.api.ObjectMeta;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import io.kubelite.kinds.validation.FieldError;
import io.kubelite.kinds.validation.FieldErrors;
import io.kubelite.kinds.validation.ObjectMetaValidation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything kubelite knows about one API kind: its {@link Resource} descriptor (identity,
 * scope, etcd key segment, proto message), its {@link Strategy} (defaulting, validation,
 * status reset, deletion), its table {@link Column}s, its subresources and the fields a
 * field selector may name. Immutable; built once per kind in the kind's package and found
 * through {@link Kinds}.
 */
public final class Kind<T extends Message> {
    private final Resource<T> resource;
    private final Strategy<T> strategy;
    private final List<Column<T>> columns;
    private final List<Subresource> subresources;
    private final Map<String, Function<T, String>> fields;
    private final Storage storage;
    private final List<String> categories;

    /** The verbs of a kind kept in storage, as kube's registries serve them (discovery order). */
    private static final List<String> STORED_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private Kind(Builder<T> b) {
        this.resource = b.resource;
        this.strategy = b.strategy;
        this.storage = b.storage;
        this.categories = List.copyOf(b.categories);
        this.columns = !b.columns.isEmpty()
                ? List.copyOf(b.columns)
                : b.storage instanceof Storage.ViewOf<?, ?> v
                        ? viewColumns(v)
                        : List.of(Cells.name(resource::meta), Cells.age(resource::meta));
        this.subresources = List.copyOf(b.subresources);
        Map<String, Function<T, String>> f = new LinkedHashMap<>();
        f.put("metadata.name", o -> resource.meta(o).getName());
        f.put("metadata.namespace", o -> resource.meta(o).getNamespace());
        f.putAll(b.fields);
        this.fields = java.util.Collections.unmodifiableMap(f);
    }

    public static <T extends Message> Builder<T> of(Resource<T> resource) {
        return new Builder<>(resource);
    }

    public Resource<T> resource() {
        return resource;
    }

    public Strategy<T> strategy() {
        return strategy;
    }

    /** Where this kind's objects live: etcd, another kind's storage, or nowhere (create-only). */
    public Storage storage() {
        return storage;
    }

    /** Whether this kind has etcd keys and a watch cache of its own ({@link Storage#ETCD}). */
    public boolean persisted() {
        return storage instanceof Storage.Etcd;
    }

    /** The verbs discovery lists and the API server serves: {@code create} only for a kind stored nowhere. */
    public List<String> verbs() {
        return storage instanceof Storage.None ? List.of("create") : STORED_VERBS;
    }

    /** The categories discovery lists ({@code all} for what {@code kubectl get all} shows). */
    public List<String> categories() {
        return categories;
    }

    /** A view's columns are the stored kind's, filled from the converted object (kube prints both alike). */
    @SuppressWarnings("unchecked")
    private static <T extends Message, S extends Message> List<Column<T>> viewColumns(Storage.ViewOf<?, ?> view) {
        Storage.ViewOf<T, S> v = (Storage.ViewOf<T, S>) view;
        List<Column<T>> out = new ArrayList<>();
        for (Column<S> c : v.stored().columns()) {
            out.add(c.through(v.conversion()::toStorage));
        }
        return List.copyOf(out);
    }

    /** Every column, default and wide, in display order. */
    public List<Column<T>> columns() {
        return columns;
    }

    /** The columns shown by default, plus the wide ones when {@code wide}. */
    public List<Column<T>> columns(boolean wide) {
        return wide ? columns : columns.stream().filter(c -> c.priority() == 0).toList();
    }

    /** One table row of {@code obj}, the cells of {@link #columns(boolean)}. */
    public List<String> row(T obj, Instant now, boolean wide) {
        List<String> row = new ArrayList<>();
        for (Column<T> c : columns(wide)) {
            row.add(c.text(obj, now));
        }
        return row;
    }

    /**
     * Every column's cell of {@code obj}, wide ones included (kube-apiserver always generates
     * the wide table; clients hide priority 1 columns): {@link String}s and {@link Long}s.
     */
    public List<Object> cells(T obj, Instant now) {
        List<Object> row = new ArrayList<>(columns.size());
        for (Column<T> c : columns) {
            row.add(c.cell().value(obj, now));
        }
        return row;
    }

    /** {@code status}, {@code binding}, {@code log}, {@code scale}, ..., in discovery order. */
    public List<Subresource> subresources() {
        return subresources;
    }

    public boolean hasSubresource(String name) {
        return subresources.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The fields a field selector may name, {@code metadata.name} and {@code metadata.namespace} first. */
    public Set<String> selectableFields() {
        return fields.keySet();
    }

    /** The value of a selectable field as a field selector compares it, or empty when the field is not selectable. */
    public Optional<String> fieldValue(T obj, String field) {
        Function<T, String> f = fields.get(field);
        return f == null ? Optional.empty() : Optional.of(f.apply(obj));
    }

    /** Generic metadata checks plus the strategy's; empty when {@code obj} may be created. */
    public List<FieldError> validateCreate(T obj) {
        FieldErrors errs = new FieldErrors();
        ObjectMetaValidation.validate(resource.meta(obj), resource.namespaced(), strategy::nameError, errs);
        strategy.validate(obj, errs);
        return errs.list();
    }

    /** Generic metadata checks plus the strategy's, for replacing {@code old} with {@code obj}. */
    public List<FieldError> validateUpdate(T obj, T old) {
        FieldErrors errs = new FieldErrors();
        ObjectMeta m = resource.meta(obj);
        ObjectMetaValidation.validate(m, resource.namespaced(), strategy::nameError, errs);
        ObjectMetaValidation.validateUpdate(m, resource.meta(old), errs);
        strategy.validate(obj, errs);
        strategy.validateUpdate(obj, old, errs);
        return errs.list();
    }

    @Override
    public String toString() {
        return resource.toString();
    }

    /** Builds a {@link Kind}; only the resource is required. */
    public static final class Builder<T extends Message> {
        private final Resource<T> resource;
        private Strategy<T> strategy = new Strategy<>() {};
        private final List<Column<T>> columns = new ArrayList<>();
        private final List<Subresource> subresources = new ArrayList<>();
        private final Map<String, Function<T, String>> fields = new LinkedHashMap<>();
        private Storage storage = Storage.ETCD;
        private final List<String> categories = new ArrayList<>();

        private Builder(Resource<T> resource) {
            this.resource = Objects.requireNonNull(resource);
        }

        public Builder<T> strategy(Strategy<T> s) {
            this.strategy = Objects.requireNonNull(s);
            return this;
        }

        public Builder<T> columns(List<Column<T>> c) {
            columns.addAll(c);
            return this;
        }

        public Builder<T> subresources(Subresource... s) {
            subresources.addAll(List.of(s));
            return this;
        }

        /** A field a field selector may name, with how to read it from an object. */
        public Builder<T> field(String path, Function<T, String> value) {
            fields.put(path, value);
            return this;
        }

        /** A kind that is answered and never stored: POST only, nothing written (the review kinds). */
        public Builder<T> createOnly() {
            this.storage = Storage.NONE;
            return this;
        }

        /** A second group-version of {@code stored}: kept as its objects, converted both ways. */
        public <S extends Message> Builder<T> storedAs(Kind<S> stored, Storage.Conversion<T, S> conversion) {
            this.storage = new Storage.ViewOf<>(stored, conversion);
            return this;
        }

        public Builder<T> categories(String... c) {
            categories.addAll(List.of(c));
            return this;
        }

        public Kind<T> build() {
            Kind<T> k = new Kind<>(this);
            resource.bind(k);
            return k;
        }
    }
}
