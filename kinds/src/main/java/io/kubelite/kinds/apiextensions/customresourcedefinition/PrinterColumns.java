package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomObject;
import io.kubelite.api.CustomResourceColumnDefinition;
import io.kubelite.kinds.table.Cells;
import io.kubelite.kinds.table.Column;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRD version's {@code additionalPrinterColumns} as table columns, as kube's CRD
 * {@code tableconvertor}: NAME, then each column's simple JSON path ({@code .spec.cronSpec},
 * {@code .status.conditions[0].type}) read from the object; a missing value is an empty cell
 * (null, which kubectl prints as {@code <none>}); {@code integer}, {@code number} and
 * {@code boolean} cells are JSON values, {@code date} the time since the value, and
 * {@code string} the value as text.
 */
final class PrinterColumns {
    private PrinterColumns() {}

    static List<Column<CustomObject>> of(List<CustomResourceColumnDefinition> defs) {
        List<Column<CustomObject>> out = new ArrayList<>();
        out.add(Cells.name(CustomObject::getMetadata));
        for (CustomResourceColumnDefinition d : defs) {
            String description = d.getDescription().isEmpty()
                    ? "Custom resource definition column (in JSONPath format): " + d.getJsonPath()
                    : d.getDescription();
            List<Object> path = parse(d.getJsonPath());
            String type = d.getType();
            out.add(new Column<CustomObject>(
                    d.getName(),
                    type,
                    d.getFormat(),
                    d.getPriority(),
                    description,
                    (o, now) -> cell(type, find(ApiJson.toTree(o), path), now)));
        }
        return List.copyOf(out);
    }

    /** {@code .a.b[0].c} → ["a", "b", 0, "c"]; validation has checked it starts with a dot. */
    static List<Object> parse(String jsonPath) {
        List<Object> out = new ArrayList<>();
        for (String part : jsonPath.substring(1).split("\\.")) {
            String name = part;
            int bracket = name.indexOf('[');
            String rest = "";
            if (bracket >= 0) {
                rest = name.substring(bracket);
                name = name.substring(0, bracket);
            }
            if (!name.isEmpty()) {
                out.add(name);
            }
            while (rest.startsWith("[") && rest.indexOf(']') > 0) {
                String index = rest.substring(1, rest.indexOf(']'));
                try {
                    out.add(Integer.parseInt(index));
                } catch (NumberFormatException e) {
                    out.add(index.replace("'", "").replace("\"", ""));
                }
                rest = rest.substring(rest.indexOf(']') + 1);
            }
        }
        return out;
    }

    static JsonNode find(JsonNode n, List<Object> path) {
        for (Object step : path) {
            if (n == null) {
                return null;
            }
            n = step instanceof Integer i ? n.get(i) : n.get((String) step);
        }
        return n == null || n.isNull() ? null : n;
    }

    private static Object cell(String type, JsonNode v, Instant now) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case "integer" -> v.isNumber() ? (Object) v.asLong() : null;
            case "number" -> v.isNumber() ? (Object) v.asDouble() : null;
            case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : null;
            case "date" -> v.isTextual() ? age(v.asText(), now) : null;
            default -> v.isTextual() ? v.asText() : v.toString();
        };
    }

    private static String age(String rfc3339, Instant now) {
        try {
            Instant t = Instant.parse(rfc3339);
            return Cells.age(
                    Timestamp.newBuilder()
                            .setSeconds(t.getEpochSecond())
                            .setNanos(t.getNano())
                            .build(),
                    now);
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }
}
