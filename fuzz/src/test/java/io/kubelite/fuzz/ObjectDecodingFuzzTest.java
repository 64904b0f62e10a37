package io.kubelite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Message;
import io.kubelite.apiserver.ApiException;
import io.kubelite.apiserver.BodyDecoder;
import io.kubelite.apiserver.Codec;
import io.kubelite.apiserver.FieldValidation;
import io.kubelite.kinds.Kinds;
import io.kubelite.kinds.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Create and update bodies, as JSON or YAML text, decoded as every built-in kind: a body either
 * becomes an object or is refused with a 400 that shows nothing of the implementation; an object
 * it became encodes to JSON that decodes to the same object, with nothing unknown (what the server
 * stores and serves must read back as written).
 */
class ObjectDecodingFuzzTest {
    private static final List<Resource<? extends Message>> RESOURCES = Kinds.resources().stream()
            .sorted(Comparator.comparing(r -> r.apiVersion() + "/" + r.plural()))
            .toList();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"apiVersion\":",
        "\"kind\":",
        "\"metadata\":",
        "\"spec\":",
        "\"status\":",
        "\"labels\":",
        "\"annotations\":",
        "\"containers\":",
        "\"resources\":",
        "\"limits\":",
        "\"template\":",
        "\"selector\":",
        "\"matchLabels\":",
        "\"ports\":",
        "\"data\":",
        "apiVersion: v1",
        "kind: Pod",
        "name: a",
        "---",
        "&a ",
        "*a",
        "<<: ",
        "!!binary ",
        "\"500m\"",
        "1e400",
        "-0",
        "null",
        "true",
        "[]",
        "{}",
        "\"2026-12-05T00:00:00Z\""
    })
    void decodesOrRefusesWithA400(FuzzedDataProvider data) {
        Resource<? extends Message> r = RESOURCES.get(data.consumeInt(0, RESOURCES.size() - 1));
        FieldValidation validation = data.pickValue(FieldValidation.values());
        String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        BodyDecoder<? extends Message> decoder = BodyDecoder.of(r);
        Message object;
        try {
            object = decoder.decode(text, validation).object();
        } catch (ApiException e) {
            Refusals.assertClientError(e.code(), e.getMessage(), text);
            return;
        }
        String written = new String(Codec.typed(r, object), StandardCharsets.UTF_8);
        Refusals.assertNoLeak(written, text);
        BodyDecoder.Decoded<? extends Message> again;
        try {
            again = decoder.decode(written, FieldValidation.STRICT);
        } catch (ApiException e) {
            throw new AssertionError("a decoded " + r.kind() + " does not read back: " + e.getMessage()
                    + "\n  written: " + Refusals.shown(written) + "\n  from input: " + Refusals.shown(text));
        }
        // compared as served (kind and apiVersion are the server's to set, not the body's)
        assertThat(new String(Codec.item(again.object()), StandardCharsets.UTF_8))
                .as("%s read back from %s (input %s)", r.kind(), Refusals.shown(written), Refusals.shown(text))
                .isEqualTo(new String(Codec.item(object), StandardCharsets.UTF_8));
        assertThat(again.warnings())
                .as("warnings reading back %s", Refusals.shown(written))
                .isEmpty();
    }
}
