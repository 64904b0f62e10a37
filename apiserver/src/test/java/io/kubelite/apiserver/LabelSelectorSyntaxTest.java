package io.kubelite.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.api.labels.Selector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labelSelector parameter's string syntax, as kube's labels.Parse reads it, onto the shared matcher. */
class LabelSelectorSyntaxTest {
    private static final Map<String, String> POD = Map.of("app", "web", "tier", "front", "rank", "7");

    private static boolean sel(String s, Map<String, String> labels) {
        return Selectors.parseLabels(s).matches(labels);
    }

    @Test
    void everyOperatorOfTheStringSyntax() {
        assertThat(sel("app=web", POD)).isTrue();
        assertThat(sel("app==web,tier=front", POD)).isTrue();
        assertThat(sel("app!=web", POD)).isFalse();
        assertThat(sel("env!=prod", POD)).as("!= holds for a missing key").isTrue();
        assertThat(sel("tier in (front, back)", POD)).isTrue();
        assertThat(sel("tier notin (front)", POD)).isFalse();
        assertThat(sel("env notin (prod)", POD)).isTrue();
        assertThat(sel("app", POD)).isTrue();
        assertThat(sel("!app", POD)).isFalse();
        assertThat(sel("rank>5", POD)).isTrue();
        assertThat(sel("rank<5", POD)).isFalse();
        assertThat(sel("missing>5", POD)).isFalse();
        assertThat(Selectors.parseLabels("  ")).isSameAs(Selector.everything());
    }

    @Test
    void syntaxErrorsAreBadRequestsInKubesWords() {
        assertThatThrownBy(() -> Selectors.parseLabels("rank>high"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("for 'Gt', 'Lt' operators, the value must be an integer");
        assertThatThrownBy(() -> Selectors.parseLabels("a in b"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("expected: '('");
        assertThatThrownBy(() -> Selectors.parseLabels("a,,b"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("found '', expected: identifier");
        assertThatThrownBy(() -> Selectors.parseLabels("-bad=x"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("Invalid value: \"-bad\"");
    }
}
