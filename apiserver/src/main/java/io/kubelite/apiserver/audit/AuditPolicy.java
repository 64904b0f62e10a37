package io.kubelite.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * kube's audit Policy ({@code audit.k8s.io/v1}, {@code --audit-policy-file}): ordered rules, the
 * first whose users, groups, verbs, namespaces, resources or non-resource URLs match a request
 * decides its level; no match means {@link AuditLevel#None}. A rule's omitted stages are its own
 * plus the policy's. Parsing is strict: an unknown field or a bad value is an
 * {@link IllegalArgumentException} naming the field as kube's validation does.
 */
public record AuditPolicy(List<AuditRule> rules, Set<AuditStage> omitStages, boolean omitManagedFields) {
    public static final String API_VERSION = "audit.k8s.io/v1";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> POLICY_FIELDS =
            Set.of("apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields");

    public AuditPolicy {
        rules = List.copyOf(rules);
        omitStages = omitStages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(omitStages));
    }

    /** What the policy decides for one request. */
    public record Decision(AuditLevel level, Set<AuditStage> omitStages, boolean omitManagedFields) {
        static final Decision NONE = new Decision(AuditLevel.None, Set.of(), false);

        /** Whether an event of {@code stage} is written. */
        public boolean records(AuditStage stage) {
            return level != AuditLevel.None && !omitStages.contains(stage);
        }
    }

    /** The first matching rule's level and stages, else {@link AuditLevel#None}. */
    public Decision decide(AuditAttributes a) {
        for (AuditRule r : rules) {
            if (r.matches(a)) {
                Set<AuditStage> omit = EnumSet.noneOf(AuditStage.class);
                omit.addAll(omitStages);
                omit.addAll(r.omitStages());
                return new Decision(
                        r.level(),
                        Set.copyOf(omit),
                        r.omitManagedFields() != null ? r.omitManagedFields() : omitManagedFields);
            }
        }
        return new Decision(AuditLevel.None, omitStages, omitManagedFields);
    }

    /** Reads a policy file (YAML or JSON). */
    public static AuditPolicy read(Path file) throws IOException {
        String text = Files.readString(file);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a policy document (YAML or JSON). */
    public static AuditPolicy parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a YAML or JSON document: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "an audit policy is an object with apiVersion " + API_VERSION + ", kind Policy and rules");
        }
        unknownFields(root, POLICY_FIELDS, "");
        String apiVersion = root.path("apiVersion").asText("");
        String kind = root.path("kind").asText("");
        if (!API_VERSION.equals(apiVersion) || !"Policy".equals(kind)) {
            throw new IllegalArgumentException("expected apiVersion " + API_VERSION
                    + " and kind Policy, got apiVersion \"" + apiVersion + "\" and kind \"" + kind + "\"");
        }
        Set<AuditStage> omit = PolicyFields.stages(root.get("omitStages"), "omitStages");
        boolean omitManaged = PolicyFields.bool(root.get("omitManagedFields"), "omitManagedFields", false);
        List<AuditRule> rules = new ArrayList<>();
        JsonNode rs = root.get("rules");
        if (rs == null || !rs.isArray() || rs.isEmpty()) {
            throw new IllegalArgumentException("rules: Required value: a policy needs at least one rule");
        }
        for (int i = 0; i < rs.size(); i++) {
            rules.add(AuditRule.parse(rs.get(i), "rules[" + i + "]"));
        }
        return new AuditPolicy(rules, omit, omitManaged);
    }

    static void unknownFields(JsonNode obj, Set<String> known, String path) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + f + ": unknown field (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
