package io.kubelite.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads an audit policy's field values, with kube's field-error wording for bad ones. */
final class PolicyFields {
    private PolicyFields() {}

    static List<String> strings(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException(path + ": Invalid value: expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                throw new IllegalArgumentException(path + "[" + i + "]: Invalid value: " + e + ": expected a string");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    static Set<AuditStage> stages(JsonNode n, String path) {
        List<String> names = strings(n, path);
        Set<AuditStage> out = EnumSet.noneOf(AuditStage.class);
        for (int i = 0; i < names.size(); i++) {
            out.add(oneOf(AuditStage.class, names.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    static AuditLevel level(JsonNode n, String path) {
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            throw new IllegalArgumentException(path + ": Required value");
        }
        return oneOf(AuditLevel.class, n.asText(), path);
    }

    static Boolean bool(JsonNode n, String path, Boolean absent) {
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(path + ": Invalid value: " + n + ": expected true or false");
        }
        return n.asBoolean();
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, String v, String path) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException(path + ": Unsupported value: \"" + v + "\": supported values: "
                + Arrays.stream(type.getEnumConstants())
                        .map(e -> "\"" + e.name() + "\"")
                        .collect(Collectors.joining(", ")));
    }
}
