package io.kubelite.kinds.apiextensions.customresourcedefinition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JSON value as CEL's Java runtime takes it: maps, lists, int64, double, string, bool, null. */
final class CelValues {
    private CelValues() {}

    static Object of(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), of(e.getValue()));
            }
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>(v.size());
            v.forEach(x -> l.add(of(x)));
            return l;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }
}
