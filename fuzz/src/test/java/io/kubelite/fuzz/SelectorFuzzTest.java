package io.kubelite.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import io.kubelite.api.ApiJson;
import io.kubelite.api.Pod;
import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.Selectors;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * The small languages of query parameters and fields: label selectors and field selectors (over
 * every built-in resource) parse or are refused with a 400, and a parsed one evaluates over a real
 * object without failing; quantities parse or are refused as malformed.
 */
class SelectorFuzzTest {
    private static final List<Resource<? extends Message>> RESOURCES = Kinds.resources().stream()
            .sorted(Comparator.comparing(r -> r.apiVersion() + "/" + r.plural()))
            .toList();
    private static final Pod POD = ApiJson.parse("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default",
                     "labels":{"app":"web","tier":"1"}},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i"}]},
                     "status":{"phase":"Running"}}""", Pod.getDefaultInstance()).message();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "=",
        "==",
        "!=",
        " in ",
        " notin ",
        "(",
        ")",
        ",",
        "!",
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "status.phase",
        "app",
        "example.com/",
        "Mi",
        "Ki",
        "m",
        "e3",
        "E",
        "."
    })
    void parsesOrRefusesWithA400(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 2);
        Resource<? extends Message> r = RESOURCES.get(data.consumeInt(0, RESOURCES.size() - 1));
        String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        try {
            switch (which) {
                case 0 -> Selectors.labels(text).test(POD.getMetadata());
                case 1 -> fieldSelector(r, text);
                default -> Quantity.parse(text);
            }
        } catch (ApiException e) {
            Refusals.assertClientError(e.code(), e.getMessage(), text);
        } catch (QuantityFormatException e) {
            Refusals.assertClientError(400, e.getMessage(), text);
        }
    }

    private static <T extends Message> void fieldSelector(Resource<T> r, String text) {
        var matches = Selectors.fields(r, text);
        if (r.prototype() instanceof Pod) {
            @SuppressWarnings("unchecked") // the resource's own message type is Pod
            T pod = (T) POD;
            matches.test(pod);
        } else {
            matches.test(r.prototype());
        }
    }
}
