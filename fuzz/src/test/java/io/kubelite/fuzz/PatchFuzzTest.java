package io.kubelite.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubelite.api.ApiJson;
import io.kubelite.api.Deployment;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.FieldValidation;
import io.kubelite.apiserver.PatchType;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.nio.charset.StandardCharsets;

/**
 * JSON, merge and strategic merge patches of any text applied to a real Deployment, then bound
 * as the object the server would store: each either yields a Deployment or is refused with a
 * 4xx that shows nothing of the implementation.
 */
class PatchFuzzTest {
    private static final Resource<Deployment> DEPLOYMENTS = Kinds.byKind("apps/v1", "Deployment")
            .map(r -> {
                @SuppressWarnings("unchecked") // apps/v1 Deployment is the Deployment resource
                Resource<Deployment> d = (Resource<Deployment>) r;
                return d;
            })
            .orElseThrow();
    private static final String TARGET = """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},"resourceVersion":"7"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
              "template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[
                 {"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],
                  "env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
                  "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"memory":"128Mi"}}},
                 {"name":"side","image":"busybox","args":["sleep","3600"]}],
                "tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]}}}}
            """;

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"op\":",
        "\"add\"",
        "\"remove\"",
        "\"replace\"",
        "\"move\"",
        "\"copy\"",
        "\"test\"",
        "\"path\":",
        "\"from\":",
        "\"value\":",
        "/spec/template/spec/containers/",
        "/-",
        "~0",
        "~1",
        "\"$patch\":",
        "\"delete\"",
        "\"merge\"",
        "\"$retainKeys\":",
        "\"$setElementOrder/containers\":",
        "\"$deleteFromPrimitiveList/args\":",
        "\"containers\":",
        "\"name\":",
        "\"spec\":",
        "\"metadata\":",
        "null",
        "[]",
        "{}"
    })
    void patchesOrRefusesWithA4xx(FuzzedDataProvider data) {
        PatchType type = data.pickValue(new PatchType[] {PatchType.JSON, PatchType.MERGE, PatchType.STRATEGIC});
        FieldValidation validation = data.pickValue(FieldValidation.values());
        String patchText = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        JsonNode target = ApiJson.documents(TARGET).get(0);
        try {
            JsonNode patch = BodyDecoder.json(patchText, "patch");
            JsonNode patched = type.apply(target, patch, Deployment.getDescriptor());
            BodyDecoder.of(DEPLOYMENTS).decodePatched(patched, type, patchText, validation);
        } catch (ApiException e) {
            Refusals.assertClientError(e.code(), e.getMessage(), patchText);
        }
    }
}
