package io.kubelite.apiserver.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.kubelite.api.ManagedFieldsEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metadata.managedFields} entries to {@link Manager}s and back. */
public final class ManagedFieldsCodec {
    private ManagedFieldsCodec() {}

    static final String FIELDS_V1 = "FieldsV1";

    /**
     * Reads the entries.
     *
     * @throws IllegalArgumentException naming the first bad entry ({@code [i].field: why})
     */
    public static List<Manager> decode(List<ManagedFieldsEntry> entries) {
        List<Manager> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ManagedFieldsEntry e = entries.get(i);
            String at = "[" + i + "]";
            if (!e.getOperation().equals(Manager.APPLY) && !e.getOperation().equals(Manager.UPDATE)) {
                throw new IllegalArgumentException(at + ".operation: Unsupported value: \"" + e.getOperation()
                        + "\": supported values: \"Apply\", \"Update\"");
            }
            if (!e.getFieldsType().equals(FIELDS_V1)) {
                throw new IllegalArgumentException(at + ".fieldsType: Unsupported value: \"" + e.getFieldsType()
                        + "\": supported values: \"FieldsV1\"");
            }
            if (e.getManager().length() > 128) {
                throw new IllegalArgumentException(at + ".manager: Too long: may not be more than 128 bytes");
            }
            FieldSet fields;
            try {
                fields = FieldSet.fromFieldsV1(toJson(e.getFieldsV1()));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(at + ".fieldsV1: Invalid value: " + bad.getMessage());
            }
            Instant time = e.hasTime() ? Instant.ofEpochSecond(e.getTime().getSeconds()) : null;
            out.add(new Manager(e.getManager(), e.getOperation(), e.getApiVersion(), e.getSubresource(), time, fields));
        }
        return out;
    }

    /** Writes the managers as entries, in their order. */
    public static List<ManagedFieldsEntry> encode(List<Manager> managers) {
        List<ManagedFieldsEntry> out = new ArrayList<>();
        for (Manager m : managers) {
            ManagedFieldsEntry.Builder b = ManagedFieldsEntry.newBuilder()
                    .setManager(m.manager())
                    .setOperation(m.operation())
                    .setApiVersion(m.apiVersion())
                    .setFieldsType(FIELDS_V1)
                    .setFieldsV1(toStruct(m.fields().toFieldsV1()))
                    .setSubresource(m.subresource());
            if (m.time() != null) {
                b.setTime(Timestamp.newBuilder().setSeconds(m.time().getEpochSecond()));
            }
            out.add(b.build());
        }
        return out;
    }

    private static JsonNode toJson(Struct s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
            if (e.getValue().getKindCase() != Value.KindCase.STRUCT_VALUE) {
                throw new IllegalArgumentException("\"" + e.getKey() + "\" must map to an object");
            }
            o.set(e.getKey(), toJson(e.getValue().getStructValue()));
        }
        return o;
    }

    private static Struct toStruct(JsonNode o) {
        Struct.Builder b = Struct.newBuilder();
        o.properties()
                .forEach(e -> b.putFields(
                        e.getKey(),
                        Value.newBuilder()
                                .setStructValue(toStruct(e.getValue()))
                                .build()));
        return b.build();
    }
}
