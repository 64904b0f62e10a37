package io.kubelite.apiserver;

import io.kubelite.api.FieldOccurrences;
import io.kubelite.api.FieldOccurrences.Occurrence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The unknown and duplicate fields of one request body, worded and ordered as kube-apiserver's
 * strict decoder words and orders them: for a JSON object, in document order, a field both unknown
 * and duplicated counted as unknown only; for YAML, the duplicate keys first as the YAML decoder
 * reports them ({@code line 5: key "name" already set in map}), then the unknown fields sorted; for
 * a patch, the patch's own duplicates first, then the patched object's unknown fields sorted.
 *
 * @param yamlDuplicates the YAML decoder's lines, one per duplicate key
 * @param others everything else, each one Warning
 */
record FieldProblems(List<String> yamlDuplicates, List<String> others) {
    private static final Set<String> JSON_PATCH_FIELDS = Set.of("op", "path", "value", "from");

    static final FieldProblems NONE = new FieldProblems(List.of(), List.of());

    boolean isEmpty() {
        return yamlDuplicates.isEmpty() && others.isEmpty();
    }

    /** One warning per problem. */
    List<String> warnings() {
        List<String> all = new ArrayList<>(yamlDuplicates);
        all.addAll(others);
        return all;
    }

    /** What follows {@code strict decoding error: } in a Strict request's 400. */
    String strictMessage() {
        List<String> parts = new ArrayList<>();
        if (!yamlDuplicates.isEmpty()) {
            parts.add("yaml: unmarshal errors:\n  " + String.join("\n  ", yamlDuplicates));
        }
        parts.addAll(others);
        return String.join(", ", parts);
    }

    /** The problems of an object body whose decoding dropped {@code unknown} (paths). */
    static FieldProblems ofObject(String text, List<String> unknown) {
        List<Occurrence> keys = FieldOccurrences.of(text);
        if (FieldOccurrences.isYaml(text)) {
            return new FieldProblems(yamlDuplicates(keys), unknownSorted(unknown));
        }
        Set<String> unknownSet = new HashSet<>(unknown);
        Set<String> reported = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Occurrence k : keys) {
            if (!k.duplicate() && unknownSet.contains(k.path()) && reported.add(k.path())) {
                out.add(unknownField(k.path()));
            } else if (k.duplicate() && !underUnknown(k.path(), unknown)) {
                out.add(duplicateField(k.path()));
            }
        }
        // paths the scan did not see (it stops at a syntax error the decoder tolerated)
        unknown.stream().filter(reported::add).map(FieldProblems::unknownField).forEach(out::add);
        return new FieldProblems(List.of(), out);
    }

    /**
     * The problems of a patch: the patch text's own (duplicates in a merge patch; unknown and
     * duplicate operation fields in a JSON patch), then the patched object's {@code unknown} fields.
     */
    static FieldProblems ofPatch(PatchType type, String patchText, List<String> unknown) {
        List<Occurrence> keys = FieldOccurrences.of(patchText);
        List<String> own = new ArrayList<>();
        List<String> yaml = List.of();
        if (type == PatchType.JSON) {
            for (Occurrence k : keys) {
                // only the operations' own fields: "[0].op", not the keys inside a "value"
                if (k.path().matches("\\[\\d+]\\.[^.\\[]+")) {
                    if (k.duplicate()) {
                        own.add("json patch duplicate field \"" + k.path() + "\"");
                    } else if (!JSON_PATCH_FIELDS.contains(k.key())) {
                        own.add("json patch unknown field \"" + k.path() + "\"");
                    }
                }
            }
        } else if (FieldOccurrences.isYaml(patchText)) {
            yaml = yamlDuplicates(keys);
        } else {
            keys.stream()
                    .filter(Occurrence::duplicate)
                    .map(k -> duplicateField(k.path()))
                    .forEach(own::add);
        }
        own.addAll(unknownSorted(unknown));
        return new FieldProblems(yaml, own);
    }

    private static List<String> yamlDuplicates(List<Occurrence> keys) {
        return keys.stream()
                .filter(Occurrence::duplicate)
                .map(k -> "line " + k.line() + ": key \"" + k.key() + "\" already set in map")
                .toList();
    }

    /** Sorted: kube decodes these from a re-encoded map, whose keys Go writes in order. */
    private static List<String> unknownSorted(List<String> unknown) {
        return unknown.stream().sorted().map(FieldProblems::unknownField).toList();
    }

    private static boolean underUnknown(String path, List<String> unknown) {
        for (String u : unknown) {
            if (path.equals(u) || path.startsWith(u + ".") || path.startsWith(u + "[")) {
                return true;
            }
        }
        return false;
    }

    private static String unknownField(String path) {
        return "unknown field \"" + path + "\"";
    }

    private static String duplicateField(String path) {
        return "duplicate field \"" + path + "\"";
    }
}
