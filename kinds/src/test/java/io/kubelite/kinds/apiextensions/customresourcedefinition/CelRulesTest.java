package io.kubelite.kinds.apiextensions.customresourcedefinition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubelite.kinds.validation.FieldErrors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CRD CEL rules (x-kubernetes-validations) as kube-apiserver applies them, with its messages. */
class CelRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"type": "object", "properties": {
              "spec": {"type": "object",
                "x-kubernetes-validations": [
                  {"rule": "self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas",
                   "message": "replicas must be between minReplicas and maxReplicas"},
                  {"rule": "!has(self.image) || self.image.startsWith('registry.local/')",
                   "messageExpression": "'image ' + self.image + ' is not from registry.local'",
                   "fieldPath": ".image"},
                  {"rule": "self.tags.isSorted()", "reason": "FieldValueForbidden"}],
                "properties": {
                  "replicas": {"type": "integer"}, "minReplicas": {"type": "integer"},
                  "maxReplicas": {"type": "integer"}, "image": {"type": "string"},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "mode": {"type": "string",
                    "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "mode is immutable"}]},
                  "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
                      "x-kubernetes-validations": [{"rule": "self.port >= oldSelf.port", "message": "ports only grow"}]}},
                  "limits": {"type": "object", "additionalProperties": {"type": "integer",
                    "x-kubernetes-validations": [{"rule": "self > 0"}]}}
                }}}}
            """;

    private static CelRules rules() throws Exception {
        FieldErrors errs = new FieldErrors();
        CelRules r = CelRules.compile(JSON.readTree(SCHEMA), "schema", errs);
        assertThat(errs.list()).isEmpty();
        return r;
    }

    private static JsonNode spec(String json) throws Exception {
        return JSON.readTree("{\"spec\": " + json + "}");
    }

    private static List<String> create(String json) throws Exception {
        FieldErrors errs = new FieldErrors();
        rules().validate(spec(json), errs);
        return errs.list().stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    private static List<String> update(String json, String old) throws Exception {
        FieldErrors errs = new FieldErrors();
        CelRules r = rules();
        r.validate(spec(json), errs);
        r.validateTransition(spec(json), spec(old), errs);
        return errs.list().stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    private static final String GOOD = """
            {"replicas": 3, "minReplicas": 1, "maxReplicas": 5, "image": "registry.local/web:1",
             "tags": ["a", "b"], "mode": "fast", "ports": [{"name": "http", "port": 80}], "limits": {"cpu": 2}}""";

    @Test
    void aValidObjectPassesEveryRule() throws Exception {
        assertThat(create(GOOD)).isEmpty();
        assertThat(update(GOOD, GOOD)).isEmpty();
    }

    @Test
    void falseRulesGiveTheirMessageAtTheirPathAsTheirReason() throws Exception {
        assertThat(create("""
                        {"replicas": 9, "minReplicas": 1, "maxReplicas": 5, "image": "docker.io/web",
                         "tags": ["b", "a"], "limits": {"cpu": 0}}"""))
                .containsExactly(
                        "spec: Invalid value: \"object\": replicas must be between minReplicas and maxReplicas",
                        "spec.image: Invalid value: \"object\": image docker.io/web is not from registry.local",
                        "spec: Forbidden: failed rule: self.tags.isSorted()",
                        "spec.limits[cpu]: Invalid value: \"integer\": failed rule: self > 0");
    }

    @Test
    void transitionRulesCompareWithTheOldValueWhereThereIsOne() throws Exception {
        String changed = GOOD.replace("\"fast\"", "\"slow\"").replace("\"port\": 80", "\"port\": 79");
        assertThat(update(changed, GOOD))
                .containsExactly(
                        "spec.mode: Invalid value: \"string\": mode is immutable",
                        "spec.ports[0]: Invalid value: \"object\": ports only grow");
        // a new port has no old value to compare with; neither has a create
        String added = GOOD.replace("[{\"name\": \"http\", \"port\": 80}]", "[{\"name\": \"dns\", \"port\": 53}]");
        assertThat(update(added, GOOD)).isEmpty();
        assertThat(create(changed)).isEmpty();
    }

    @Test
    void aMissingFieldIsAnEvaluationErrorNotACrash() throws Exception {
        assertThat(create("{\"replicas\": 1, \"tags\": []}"))
                .singleElement()
                .asString()
                .startsWith("spec: Invalid value: \"object\": ")
                .contains("evaluating rule: replicas must be between minReplicas and maxReplicas");
    }

    @Test
    void rulesThatDoNotCompileAreTheCrdsErrors() throws Exception {
        FieldErrors errs = new FieldErrors();
        CelRules.compile(JSON.readTree("""
                        {"type": "object", "x-kubernetes-validations": [{"rule": "self.a +"}, {"rule": ""}]}"""), "spec.versions[0].schema.openAPIV3Schema", errs);
        assertThat(errs.list().stream().map(e -> e.field() + ": " + e.message()))
                .satisfiesExactly(
                        e -> assertThat(e)
                                .startsWith("spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].rule: "
                                        + "Invalid value: \"self.a +\": compilation failed: "),
                        e -> assertThat(e)
                                .isEqualTo("spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[1].rule: "
                                        + "Required value"));
    }
}
