package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field ownership of one resource, as kube-apiserver's field manager keeps it in
 * {@code metadata.managedFields} (structured-merge-diff's {@code Updater} and the managers
 * kube wraps around it):
 *
 * <ul>
 *   <li>{@link #update}: a create, PUT or non-apply PATCH gives its manager the fields it
 *       set or changed, and takes them from every other manager; removed fields are no
 *       one's.
 *   <li>{@link #apply}: server-side apply merges the configuration into the object, gives
 *       the applier exactly the configuration's fields, removes the fields it applied before
 *       and no longer applies (unless another manager owns them), and refuses (409) to change
 *       a field another manager owns unless forced. kubectl ({@code manager "kubectl"}) may
 *       take over, without force, the fields its client-side apply recorded in
 *       {@code kubectl.kubernetes.io/last-applied-configuration}, and that annotation is kept
 *       up to date by its server-side applies.
 * </ul>
 *
 * Objects are JSON trees of the served version; system metadata ({@code resourceVersion},
 * {@code uid}, ...) is nobody's, and {@code ignored} (kube's reset fields: a subresource's
 * fields on the main resource and the other way round) is never owned. Stateless apart from
 * its configuration; thread-safe.
 */
public final class FieldManager {
    /** kube's {@code DefaultMaxUpdateManagers}: older updaters are merged into one entry. */
    static final int MAX_UPDATE_MANAGERS = 10;

    static final String ANCIENT_CHANGES = "ancient-changes";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** kube's stripMeta set: fields no manager owns. */
    private static final FieldSet STRIPPED = stripped();

    private final Shape root;
    private final String apiVersion;
    private final String subresource;
    private final FieldSet ignored;
    private final Clock clock;

    /**
     * @param type the served message type
     * @param apiVersion the served group/version
     * @param subresource "" or the subresource written ("status")
     * @param ignored fields never owned through this endpoint
     */
    public FieldManager(Descriptor type, String apiVersion, String subresource, FieldSet ignored, Clock clock) {
        this.root = Shape.of(type);
        this.apiVersion = apiVersion;
        this.subresource = subresource;
        this.ignored = ignored;
        this.clock = clock;
    }

    private static FieldSet stripped() {
        FieldSet s = new FieldSet();
        s.insert(List.of(PathElement.field("apiVersion")));
        s.insert(List.of(PathElement.field("kind")));
        s.insert(List.of(PathElement.field("metadata")));
        for (String f : List.of(
                "name",
                "namespace",
                "creationTimestamp",
                "selfLink",
                "uid",
                "clusterName",
                "generation",
                "managedFields",
                "resourceVersion")) {
            s.insert(List.of(PathElement.field("metadata"), PathElement.field(f)));
        }
        return s;
    }

    /** The result of an apply. */
    public record Applied(ObjectNode object, List<Manager> managers, boolean objectChanged) {}

    /**
     * The managers after {@code manager} changed {@code live} into {@code next} (a create:
     * {@code live} null) without apply.
     */
    public List<Manager> update(ObjectNode live, ObjectNode next, List<Manager> managers, String manager) {
        Map<String, Manager> byId = index(managers);
        TypedValues.Comparison compare = TypedValues.compare(withoutManaged(live), withoutManaged(next), root);
        takeFromOthers(byId, null, compare, true);
        Manager self = new Manager(manager, Manager.UPDATE, apiVersion, subresource, null, new FieldSet());
        Manager previous = byId.get(self.id());
        FieldSet touched = owned(compare.modifiedOrAdded());
        FieldSet set = (previous == null ? new FieldSet() : previous.fields())
                .difference(compare.removed())
                .union(touched);
        if (!set.isEmpty()) {
            Instant time = touched.isEmpty() && previous != null ? previous.time() : now();
            byId.put(self.id(), self.withFields(set).withTime(time));
        } else {
            byId.remove(self.id());
        }
        return finish(byId);
    }

    /**
     * Applies {@code config} (the applied configuration, with apiVersion and kind) to
     * {@code live} (null: the object does not exist yet).
     *
     * @throws ApplyConflictException when fields other managers own would change and not {@code force}
     * @throws SchemaException when the configuration has fields the type does not declare
     */
    public Applied apply(ObjectNode live, ObjectNode config, List<Manager> managers, String manager, boolean force) {
        try {
            return applyOnce(live, config, managers, manager, force);
        } catch (ApplyConflictException e) {
            if (force || !manager.equals("kubectl") || live == null) {
                throw e;
            }
            // kubectl moving from client-side to server-side apply: the fields its last
            // client-side apply set, still as it set them, are its own to take
            FieldSet allowed = allowedByLastApplied(live);
            List<ApplyConflictException.Conflict> remaining = new ArrayList<>();
            for (ApplyConflictException.Conflict c : e.conflicts()) {
                if (!allowed.has(pathOf(c))) {
                    remaining.add(c);
                }
            }
            if (!remaining.isEmpty()) {
                throw new ApplyConflictException(remaining);
            }
            return applyOnce(live, config, managers, manager, true);
        }
    }

    private Applied applyOnce(
            ObjectNode live, ObjectNode config, List<Manager> managers, String manager, boolean force) {
        ObjectNode liveTree = live == null ? JSON.createObjectNode() : withoutManaged(live);
        Map<String, Manager> byId = index(managers);
        Manager self = new Manager(manager, Manager.APPLY, apiVersion, subresource, null, new FieldSet());
        Manager previous = byId.get(self.id());
        FieldSet set = owned(TypedValues.fieldSet(config, root, true));
        JsonNode merged = TypedValues.merge(liveTree, config, root);
        byId.put(self.id(), self.withFields(set).withTime(previous == null ? null : previous.time()));
        if (previous != null && !previous.fields().isEmpty()) {
            merged = prune(merged, byId, previous.fields());
        }
        TypedValues.Comparison compare = TypedValues.compare(liveTree, merged, root);
        takeFromOthers(byId, self.id(), compare, force);
        boolean changed = !TypedValues.same(liveTree, merged);
        Manager now = byId.get(self.id());
        if (now != null && (changed || now.time() == null)) {
            byId.put(self.id(), now.withTime(now()));
        }
        ObjectNode out = (ObjectNode) merged;
        if (manager.equals("kubectl") && lastApplied(out) != null) {
            ObjectNode applied = config.deepCopy();
            JsonNode annotations = applied.path("metadata").path("annotations");
            if (annotations instanceof ObjectNode a) {
                a.remove(LAST_APPLIED);
                if (a.isEmpty()) {
                    ((ObjectNode) applied.get("metadata")).remove("annotations");
                }
            }
            ((ObjectNode) out.get("metadata").get("annotations")).put(LAST_APPLIED, applied.toString());
        }
        return new Applied(out, finish(byId), changed);
    }

    /**
     * structured-merge-diff's prune: removes what the applier applied last time and no longer
     * applies, unless some manager (the applier now included) owns it; what the applier did
     * not own last time stays.
     */
    private JsonNode prune(JsonNode merged, Map<String, Manager> byId, FieldSet lastSet) {
        FieldSet last = TypedValues.ensureNamedFieldsAreMembers(lastSet, root);
        JsonNode pruned = TypedValues.removeItems(merged, last, root);
        FieldSet owned = new FieldSet();
        for (Manager m : byId.values()) {
            owned = owned.union(m.fields());
        }
        FieldSet mergedSet = ensure(merged);
        // add back what someone owns
        pruned = TypedValues.removeItems(
                merged,
                mergedSet.difference(ensure(pruned).union(TypedValues.ensureNamedFieldsAreMembers(owned, root))),
                root);
        // and whatever the applier did not own before
        return TypedValues.removeItems(
                merged, mergedSet.difference(ensure(pruned)).intersection(last), root);
    }

    private FieldSet ensure(JsonNode value) {
        return TypedValues.ensureNamedFieldsAreMembers(TypedValues.fieldSet(value, root, false), root);
    }

    /**
     * Takes the changed fields from every manager but {@code self}: with {@code force} (or
     * for an update) silently, else as conflicts; removed fields leave every manager.
     */
    private void takeFromOthers(
            Map<String, Manager> byId, String selfId, TypedValues.Comparison compare, boolean force) {
        FieldSet changed = compare.modifiedOrAdded();
        List<ApplyConflictException.Conflict> conflicts = new ArrayList<>();
        for (Manager m : List.copyOf(byId.values())) {
            if (m.id().equals(selfId)) {
                continue;
            }
            FieldSet conflict = m.fields().intersection(changed);
            if (!conflict.isEmpty() && !force) {
                conflict.forEachPath(p -> conflicts.add(new ApplyConflictException.Conflict(m, FieldSet.toString(p))));
            }
            FieldSet left = m.fields().difference(conflict).difference(compare.removed());
            byId.put(m.id(), m.withFields(left));
        }
        if (!conflicts.isEmpty()) {
            throw new ApplyConflictException(conflicts);
        }
    }

    /** The last-applied configuration's fields, when the live object still has all of them as it set them. */
    private FieldSet allowedByLastApplied(ObjectNode live) {
        String text = lastApplied(live);
        if (text == null || text.isEmpty()) {
            return new FieldSet();
        }
        try {
            JsonNode last = JSON.readTree(text);
            FieldSet set = owned(TypedValues.fieldSet(last, root, false));
            TypedValues.Comparison c = TypedValues.compare(last, withoutManaged(live), root);
            if (!c.modified().intersection(set).isEmpty()
                    || !c.removed().intersection(set).isEmpty()) {
                return new FieldSet();
            }
            return set;
        } catch (Exception e) {
            // an unreadable annotation grants nothing
            return new FieldSet();
        }
    }

    private static String lastApplied(JsonNode obj) {
        JsonNode a = obj.path("metadata").path("annotations").get(LAST_APPLIED);
        return a == null || !a.isTextual() ? null : a.textValue();
    }

    private static List<PathElement> pathOf(ApplyConflictException.Conflict c) {
        List<PathElement> out = new ArrayList<>();
        c.manager().fields().forEachPath(p -> {
            if (out.isEmpty() && FieldSet.toString(p).equals(c.field())) {
                out.addAll(p);
            }
        });
        return out;
    }

    /** What a manager may own of {@code set}: neither system metadata nor reset fields. */
    private FieldSet owned(FieldSet set) {
        return set.difference(STRIPPED).recursiveDifference(ignored);
    }

    private static ObjectNode withoutManaged(ObjectNode tree) {
        if (tree == null) {
            return null;
        }
        if (!(tree.path("metadata") instanceof ObjectNode m) || !m.has("managedFields")) {
            return tree;
        }
        ObjectNode copy = tree.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("managedFields");
        return copy;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static Map<String, Manager> index(List<Manager> managers) {
        Map<String, Manager> byId = new LinkedHashMap<>();
        for (Manager m : managers) {
            Manager before = byId.get(m.id());
            byId.put(m.id(), before == null ? m : m.withFields(before.fields().union(m.fields())));
        }
        return byId;
    }

    /** Drops empty entries, merges the oldest updaters past the cap, sorts as kube does. */
    private List<Manager> finish(Map<String, Manager> byId) {
        List<Manager> out = new ArrayList<>();
        for (Manager m : byId.values()) {
            if (!m.fields().isEmpty()) {
                out.add(m);
            }
        }
        out = capUpdaters(out);
        out.sort(ORDER);
        return out;
    }

    private List<Manager> capUpdaters(List<Manager> managers) {
        List<Manager> updaters = new ArrayList<>(managers.stream()
                .filter(m ->
                        m.operation().equals(Manager.UPDATE) && !m.manager().equals(ANCIENT_CHANGES))
                .toList());
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return managers;
        }
        updaters.sort(Comparator.comparing(m -> m.time() == null ? Instant.EPOCH : m.time()));
        List<Manager> out = new ArrayList<>(managers);
        Manager ancient = managers.stream()
                .filter(m ->
                        m.manager().equals(ANCIENT_CHANGES) && m.operation().equals(Manager.UPDATE))
                .findFirst()
                .orElse(new Manager(ANCIENT_CHANGES, Manager.UPDATE, apiVersion, "", null, new FieldSet()));
        out.remove(ancient);
        // one slot is the ancient-changes entry itself
        int excess = updaters.size() - MAX_UPDATE_MANAGERS + 1;
        for (int i = 0; i < excess; i++) {
            Manager old = updaters.get(i);
            out.remove(old);
            ancient = ancient.withFields(ancient.fields().union(old.fields())).withTime(old.time());
        }
        out.add(ancient);
        return out;
    }

    /** kube's sortEncodedManagedFields: Apply before Update, then by time, manager, version, subresource. */
    static final Comparator<Manager> ORDER = Comparator.comparing(Manager::operation)
            .thenComparing(m -> m.time() == null ? 0L : m.time().getEpochSecond())
            .thenComparing(Manager::manager)
            .thenComparing(Manager::apiVersion)
            .thenComparing(Manager::subresource);
}
