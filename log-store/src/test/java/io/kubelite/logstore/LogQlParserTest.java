package io.kubelite.logstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.logstore.logql.LabelMatcher;
import io.kubelite.logstore.logql.LineFilter;
import io.kubelite.logstore.logql.LogQlParseException;
import io.kubelite.logstore.logql.LogQlParser;
import io.kubelite.logstore.logql.LogQuery;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The LogQL subset: what parses to what, and where errors point. */
class LogQlParserTest {
    final LogQlParser parser = new LogQlParser();

    @Test
    void selectorAndChainedFilters() throws Exception {
        LogQuery q = parser.parse(
                "{namespace=\"shop\", app=~\"web|api\", container!=\"sidecar\", pod!~`x.*`} |= \"GET\" != \"health\""
                        + " |~ `5\\d\\d` !~ \"(?i)debug\"");
        assertThat(q.matchers())
                .extracting(LabelMatcher::name, LabelMatcher::op, LabelMatcher::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("namespace", LabelMatcher.Op.EQ, "shop"),
                        org.assertj.core.groups.Tuple.tuple("app", LabelMatcher.Op.RE, "web|api"),
                        org.assertj.core.groups.Tuple.tuple("container", LabelMatcher.Op.NEQ, "sidecar"),
                        org.assertj.core.groups.Tuple.tuple("pod", LabelMatcher.Op.NRE, "x.*"));
        assertThat(q.filters())
                .extracting(LineFilter::op, LineFilter::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(LineFilter.Op.CONTAINS, "GET"),
                        org.assertj.core.groups.Tuple.tuple(LineFilter.Op.NOT_CONTAINS, "health"),
                        org.assertj.core.groups.Tuple.tuple(LineFilter.Op.MATCHES, "5\\d\\d"),
                        org.assertj.core.groups.Tuple.tuple(LineFilter.Op.NOT_MATCHES, "(?i)debug"));
        assertThat(q.selects(Map.of("namespace", "shop", "app", "api", "container", "c", "pod", "web-1")))
                .isTrue();
        assertThat(q.selects(Map.of("namespace", "shop", "app", "api-2", "container", "c")))
                .isFalse();
        assertThat(q.passes("GET /x 503")).isTrue();
        assertThat(q.passes("GET /health 503")).isFalse();
        assertThat(q.passes("GET /x 503 DEBUG")).isFalse();
    }

    @Test
    void goEscapesInDoubleQuotes() throws Exception {
        LogQuery q = parser.parse("{a=\"x\"} |= \"say \\\"hi\\\"\\t\\u00e9\" |~ \"\\\\d+\"");
        assertThat(q.filters().get(0).text()).isEqualTo("say \"hi\"\t\u00e9");
        assertThat(q.filters().get(1).text()).isEqualTo("\\d+");
    }

    @Test
    void errorsPointAtTheBadToken() {
        assertError(
                "{app=\"web\"} |= bad",
                "parse error at line 1, col 16: syntax error: unexpected IDENTIFIER bad, expecting STRING");
        assertError(
                "{app=\"web\" | json", "parse error at line 1, col 12: syntax error: unexpected |, expecting , or }");
        assertError(
                "{app=\"web\"} | json",
                "parse error at line 1, col 13: syntax error: unexpected |, expecting |= != |~ !~");
        assertError(
                "rate({app=\"web\"}[1m])",
                "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER rate, expecting {");
        assertError("{app=~\"(\"}", "parse error at line 1, col 7: invalid regexp \"(\"");
        assertError("{app=\"web\"}\n  |~ \"\\d\"", "parse error at line 2, col 7: invalid char escape \\d");
        assertError(
                "{app=\"web\"",
                "parse error at line 1, col 11: syntax error: unexpected end of input, expecting , or }");
        assertError(
                "{app=~\".*\"}",
                "queries require at least one regexp or equality matcher that does not have an empty-compatible value");
        assertError("{app!=\"x\"}", "empty-compatible value");
    }

    private void assertError(String query, String messagePart) {
        assertThatThrownBy(() -> parser.parse(query))
                .as("query %s", query)
                .isInstanceOf(LogQlParseException.class)
                .hasMessageContaining(messagePart);
    }
}
