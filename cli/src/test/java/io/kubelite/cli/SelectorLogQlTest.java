package io.kubelite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SelectorLogQlTest {
    @Test
    void everyOperatorKlCanExpressBecomesTheMatchingLogQlMatcher() {
        assertThat(
                        SelectorLogQl.matchers(
                                "app=web, tier==front,env!=prod,app.kubernetes.io/name in (shop, cart.v2),track notin (canary),gpu,!legacy"))
                .containsExactly(
                        "app=\"web\"",
                        "tier=\"front\"",
                        "env!=\"prod\"",
                        "app_kubernetes_io_name=~`shop|cart\\.v2`",
                        "track!~`canary`",
                        "gpu=~`.+`",
                        "legacy=\"\"");
        assertThat(SelectorLogQl.matchers("")).isEmpty();
    }

    @Test
    void aSelectorTheStoreCannotAnswerIsAClearError() {
        assertThatThrownBy(() -> SelectorLogQl.matchers("replicas>2"))
                .hasMessage("error: unable to use label selector \"replicas>2\" with the log store: \"replicas>2\": "
                        + "the log store cannot compare label values (> and <)");
        assertThatThrownBy(() -> SelectorLogQl.matchers("app="))
                .hasMessageEndingWith("an empty value cannot be searched in the log store (it keeps no empty labels)");
        assertThatThrownBy(() -> SelectorLogQl.matchers("namespace=shop"))
                .hasMessageEndingWith(
                        "label \"namespace\" cannot be searched in the log store: its stream label \"namespace\" is the"
                                + " pod's own namespace");
        assertThatThrownBy(() -> SelectorLogQl.matchers("app=web,,tier=x"))
                .hasMessageEndingWith("an empty requirement");
        assertThatThrownBy(() -> SelectorLogQl.matchers("app in (a,b")).hasMessageEndingWith("unbalanced parentheses");
        assertThatThrownBy(() -> SelectorLogQl.matchers("app=we b"))
                .hasMessageEndingWith("\"we b\" is not a valid label value");
        assertThatThrownBy(() -> SelectorLogQl.matchers("-bad=x"))
                .hasMessageEndingWith("\"-bad\" is not a valid label key");
        assertThatThrownBy(() -> SelectorLogQl.matchers("app in (a,)"))
                .hasMessageEndingWith(
                        "an empty value in a set" + " cannot be searched in the log store (it keeps no empty labels)");
    }
}
