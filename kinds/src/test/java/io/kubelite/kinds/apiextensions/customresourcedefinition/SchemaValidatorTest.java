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

/** Pruning, defaulting and validation of custom objects against a structural schema, with kube's messages. */
class SchemaValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"openAPIV3Schema": {"type": "object", "required": ["spec"], "properties": {
              "spec": {"type": "object", "required": ["size"], "properties": {
                "size": {"type": "string", "enum": ["S", "M", "L"]},
                "port": {"x-kubernetes-int-or-string": true},
                "mode": {"type": "string", "default": "fast"},
                "note": {"type": "string", "nullable": true, "maxLength": 5},
                "ratio": {"type": "number", "minimum": 0, "exclusiveMaximum": true, "maximum": 1},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                  "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
              }},
              "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
            }}}
            """;

    private static SchemaValidator validator() {
        Struct schema = ApiJson.parse(SCHEMA, CustomResourceValidation.getDefaultInstance())
                .message()
                .getOpenApiv3Schema();
        return new SchemaValidator(schema);
    }

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<String> errors(String json) throws Exception {
        FieldErrors errs = new FieldErrors();
        validator().validate(object(json), errs);
        return errs.list().stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void prunesUnknownFieldsAndFillsDefaults() throws Exception {
        ObjectNode o = object("""
                {"apiVersion": "x.io/v1", "kind": "Thing", "metadata": {"name": "t"}, "extra": 1,
                 "spec": {"size": "S", "unknown": true, "free": {"anything": [1, 2]},
                          "labels": {"a": "b"},
                          "template": {"metadata": {"name": "p"}, "kind": "Pod", "spec": {"x": 1}, "junk": 2}}}
                """);
        validator().pruneAndDefault(o);
        assertThat(o.toString())
                .isEqualTo("{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\",\"metadata\":{\"name\":\"t\"},"
                        + "\"spec\":{\"size\":\"S\",\"free\":{\"anything\":[1,2]},\"labels\":{\"a\":\"b\"},"
                        + "\"template\":{\"metadata\":{\"name\":\"p\"},\"kind\":\"Pod\",\"spec\":{\"x\":1}},"
                        + "\"mode\":\"fast\"}}");
    }

    @Test
    void unknownFieldsAreWhatPruningWouldDropAndNothingIsChanged() throws Exception {
        String json = """
                {"apiVersion": "x.io/v1", "kind": "Thing", "metadata": {"name": "t"}, "extra": 1,
                 "spec": {"size": "S", "unknown": true, "free": {"anything": [1, 2]},
                          "labels": {"a": "b"},
                          "template": {"metadata": {"name": "p"}, "kind": "Pod", "spec": {"x": 1}, "junk": 2}}}
                """;
        ObjectNode o = object(json);
        assertThat(validator().unknownFields(o)).containsExactly("extra", "spec.unknown", "spec.template.junk");
        assertThat(o).isEqualTo(object(json));
    }

    @Test
    void aValidObjectHasNoErrors() throws Exception {
        assertThat(errors("""
                {"spec": {"size": "M", "port": "http", "note": null, "ratio": 0.5, "tags": ["a"], "labels": {"k": "v"}},
                 "status": {"ready": true}}
                """)).isEmpty();
        assertThat(errors("{\"spec\": {\"size\": \"M\", \"port\": 8080}}")).isEmpty();
    }

    @Test
    void eachRuleWithKubesMessage() throws Exception {
        assertThat(errors("{}")).containsExactly("spec: Required value");
        assertThat(errors("""
                {"spec": {"size": "XL", "port": true, "note": "toolong", "ratio": 1, "tags": ["a", 2, "c"],
                          "labels": {"k": 3}}, "status": {"ready": "yes"}}
                """))
                .containsExactly(
                        "spec.size: Unsupported value: \"XL\": supported values: \"S\", \"M\", \"L\"",
                        "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string:"
                                + " \"boolean\"",
                        "spec.note: Too long: may not be longer than 5",
                        "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
                        "spec.tags: Too many: 3: must have at most 2 items",
                        "spec.tags[1]: Invalid value: \"integer\": spec.tags[1] in body must be of type string:"
                                + " \"integer\"",
                        "spec.labels.k: Invalid value: \"integer\": spec.labels.k in body must be of type string:"
                                + " \"integer\"",
                        "status.ready: Invalid value: \"string\": status.ready in body must be of type boolean:"
                                + " \"string\"");
        assertThat(errors("{\"spec\": {}}")).containsExactly("spec.size: Required value");
    }
}
