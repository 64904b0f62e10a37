package io.kubelite.kinds.apiextensions.customresourcedefinition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.kubelite.api.ApiJson;
import io.kubelite.api.CustomResourceValidation;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rest of kube's OpenAPI value validation of custom objects (formats, multipleOf, property
 * counts, allOf/anyOf/oneOf/not, list-type uniqueness), and the CRD-side rules that keep those
 * schemas structural, with kube's messages.
 */
class SchemaValueValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"openAPIV3Schema": {"type": "object", "properties": {
              "spec": {"type": "object", "properties": {
                "when": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "id": {"type": "string", "format": "uuid"},
                "addr": {"type": "string", "format": "ipv4"},
                "net": {"type": "string", "format": "cidr"},
                "blob": {"type": "string", "format": "byte"},
                "wait": {"type": "string", "format": "duration"},
                "odd": {"type": "string", "format": "no-such-format"},
                "step": {"type": "integer", "multipleOf": 5},
                "labels": {"type": "object", "minProperties": 1, "maxProperties": 2,
                           "additionalProperties": {"type": "string"}},
                "size": {"type": "integer", "anyOf": [{"minimum": 10}, {"maximum": 2}]},
                "count": {"type": "integer", "oneOf": [{"minimum": 5}, {"multipleOf": 2}]},
                "name": {"type": "string", "allOf": [{"minLength": 2}, {"pattern": "^[a-z]+$"}]},
                "mode": {"type": "string", "not": {"enum": ["off"]}},
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["port", "protocol"],
                          "items": {"type": "object", "properties": {
                            "port": {"type": "integer"}, "protocol": {"type": "string"}}}}
              }}
            }}}
            """;

    private static Struct schema(String json) {
        return ApiJson.parse(json, CustomResourceValidation.getDefaultInstance())
                .message()
                .getOpenApiv3Schema();
    }

    private static List<String> errors(String spec) throws Exception {
        FieldErrors errs = new FieldErrors();
        new SchemaValidator(schema(SCHEMA)).validate((ObjectNode) JSON.readTree("{\"spec\": " + spec + "}"), errs);
        return errs.list().stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void validValuesPass() throws Exception {
        assertThat(errors("""
                        {"when": "2026-12-05T01:02:03Z", "day": "2026-12-05",
                         "id": "123e4567-e89b-12d3-a456-426614174000", "addr": "10.0.0.1", "net": "10.0.0.0/8",
                         "blob": "aGk=", "wait": "1h30m", "odd": "anything", "step": 15,
                         "labels": {"a": "b"}, "size": 1, "count": 7, "name": "ab", "mode": "on",
                         "tags": ["a", "b"], "ports": [{"port": 80, "protocol": "TCP"}, {"port": 80, "protocol": "UDP"}]}
                        """)).isEmpty();
    }

    @Test
    void formatsAreCheckedAsKubeChecksThem() throws Exception {
        assertThat(errors("""
                        {"when": "yesterday", "day": "2026-13-01", "id": "not-a-uuid", "addr": "10.0.0.256",
                         "net": "10.0.0.0/33", "blob": "***", "wait": "5 minutes"}
                        """))
                .containsExactlyInAnyOrder(
                        "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
                        "spec.day: Invalid value: \"2026-13-01\": spec.day in body must be of type date: \"2026-13-01\"",
                        "spec.id: Invalid value: \"not-a-uuid\": spec.id in body must be of type uuid: \"not-a-uuid\"",
                        "spec.addr: Invalid value: \"10.0.0.256\": spec.addr in body must be of type ipv4: \"10.0.0.256\"",
                        "spec.net: Invalid value: \"10.0.0.0/33\": spec.net in body must be of type cidr: \"10.0.0.0/33\"",
                        "spec.blob: Invalid value: \"***\": spec.blob in body must be of type byte: \"***\"",
                        "spec.wait: Invalid value: \"5 minutes\": spec.wait in body must be of type duration: \"5 minutes\"");
    }

    @Test
    void multipleOfAndPropertyCounts() throws Exception {
        assertThat(errors("{\"step\": 7, \"labels\": {}}"))
                .containsExactly(
                        "spec.step: Invalid value: 7: spec.step in body should be a multiple of 5",
                        "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties");
        assertThat(errors("{\"labels\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\"}}"))
                .containsExactly("spec.labels: Invalid value: 3: spec.labels in body should have at most 2 properties");
    }

    @Test
    void junctorsWithKubeOpenApisMessages() throws Exception {
        assertThat(errors("{\"size\": 5}"))
                .containsExactly(
                        "spec.size: Invalid value: \"\": \"spec.size\" must validate at least one schema (anyOf)");
        assertThat(errors("{\"name\": \"A\"}"))
                .containsExactly(
                        "spec.name: Invalid value: \"A\": spec.name in body should be at least 2 chars long",
                        "spec.name: Invalid value: \"A\": spec.name in body should match '^[a-z]+$'",
                        "spec.name: Invalid value: \"\": \"spec.name\" must validate all the schemas (allOf). None validated");
        assertThat(errors("{\"mode\": \"off\"}"))
                .containsExactly("spec.mode: Invalid value: \"\": \"spec.mode\" must not validate the schema (not)");
        assertThat(errors("{\"count\": 3}"))
                .containsExactly(
                        "spec.count: Invalid value: \"\": \"spec.count\" must validate one and only one schema "
                                + "(oneOf). Found none valid");
        assertThat(errors("{\"count\": 6}"))
                .containsExactly(
                        "spec.count: Invalid value: \"\": \"spec.count\" must validate one and only one schema "
                                + "(oneOf). Found 2 valid alternatives");
    }

    @Test
    void setsAndMapsHoldNoDuplicates() throws Exception {
        assertThat(errors("""
                        {"tags": ["a", "b", "a"],
                         "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "protocol": "TCP"},
                                   {"protocol": "TCP", "port": 80}]}
                        """))
                .containsExactly(
                        "spec.tags[2]: Duplicate value: \"a\"",
                        "spec.ports[2]: Duplicate value: map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}");
    }

    @Test
    void valueValidationsMayNotCarryStructure() {
        FieldErrors errs = new FieldErrors();
        StructuralSchema.validate(schema("""
                        {"openAPIV3Schema": {"type": "object", "properties": {
                          "a": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                          "b": {"type": "string", "anyOf": [{"type": "string", "default": "x"}, {"x-kubernetes-int-or-string": true}]},
                          "c": {"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object"}}
                        }}}
                        """), "spec.validation.openAPIV3Schema", errs);
        assertThat(errs.list().stream().map(e -> e.field() + ": " + e.message()))
                .containsExactlyInAnyOrder(
                        "spec.validation.openAPIV3Schema.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set "
                                + "to true since the runtime complexity becomes quadratic",
                        "spec.validation.openAPIV3Schema.properties[b].anyOf[0].type: Forbidden: must be empty to be structural",
                        "spec.validation.openAPIV3Schema.properties[b].anyOf[0].default: Forbidden: must be undefined to be "
                                + "structural",
                        "spec.validation.openAPIV3Schema.properties[b].anyOf[1].x-kubernetes-int-or-string: Forbidden: must "
                                + "be undefined to be structural",
                        "spec.validation.openAPIV3Schema.properties[c].x-kubernetes-list-map-keys: Required value: must not "
                                + "be empty if x-kubernetes-list-type is map");
    }
}
