package io.kubelite.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.KubeProtobuf;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.util.Comparator;
import java.util.List;

/**
 * Bodies in Kubernetes' protobuf encoding (what kubectl sends for the objects it builds), as any
 * built-in kind: they become the JSON tree of an object, which then decodes or is refused with a
 * 400, or they are refused as malformed; nothing else escapes.
 */
class KubeProtobufFuzzTest {
    private static final List<Resource<? extends Message>> RESOURCES = Kinds.resources().stream()
            .sorted(Comparator.comparing(r -> r.apiVersion() + "/" + r.plural()))
            .toList();

    @FuzzTest(maxDuration = "10m")
    void readsOrRefuses(FuzzedDataProvider data) {
        Resource<? extends Message> r = RESOURCES.get(data.consumeInt(0, RESOURCES.size() - 1));
        byte[] body = data.consumeRemainingAsBytes();
        // most inputs should get past the magic prefix to reach the decoder
        if (body.length >= 4 && body[0] == 0) {
            body[0] = 'k';
            body[1] = '8';
            body[2] = 's';
            body[3] = 0;
        }
        try {
            var tree = KubeProtobuf.toTree(body, r.prototype().getDescriptorForType());
            BodyDecoder.of(r).decodeTree(tree);
        } catch (KubeProtobuf.Problem e) {
            Refusals.assertClientError(
                    400, e.getMessage(), new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (ApiException e) {
            Refusals.assertClientError(
                    e.code(), e.getMessage(), new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }
}
