package io.kubelite.logstore.logql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the LogQL subset this log-store answers: a stream selector and chained line filters,
 * <pre>{@code {namespace="shop", app=~"web|api", container!="sidecar"} |= "error" != "timeout" |~ "5\\d\\d"}</pre>
 * A small recursive-descent parser over {@link LogQlLexer}'s tokens. Strings are Go strings as
 * in Loki: double-quoted with Go escapes, or back-quoted raw. Everything else of LogQL (parsers
 * such as {@code | json}, label filters, metric queries) is rejected with a parse error naming the
 * position, as is a selector whose every matcher also selects streams lacking the label (Loki
 * refuses those because they select everything).
 *
 * <p>Stateless; one instance may be shared.
 */
public final class LogQlParser {
    private static final String SUBSET =
            " (this log-store supports a stream selector followed by line filters" + " |= != |~ !~ only)";

    /** Parses {@code query}, or throws with a message pointing at the offending token. */
    public LogQuery parse(String query) throws LogQlParseException {
        LogQlLexer lexer = new LogQlLexer(query);
        List<LabelMatcher> matchers = selector(lexer);
        List<LineFilter> filters = new ArrayList<>();
        while (true) {
            LogQlLexer.Token t = lexer.next();
            if (t.kind() == LogQlLexer.Kind.EOF) {
                break;
            }
            LineFilter.Op op = switch (t.kind()) {
                case PIPE_EXACT -> LineFilter.Op.CONTAINS;
                case NEQ -> LineFilter.Op.NOT_CONTAINS;
                case PIPE_MATCH -> LineFilter.Op.MATCHES;
                case NRE -> LineFilter.Op.NOT_MATCHES;
                default -> throw lexer.unexpected(t, "|= != |~ !~ or the end of the query" + SUBSET);
            };
            LogQlLexer.Token s = lexer.next();
            if (s.kind() != LogQlLexer.Kind.STRING) {
                throw lexer.unexpected(s, "STRING");
            }
            Pattern p = null;
            if (op == LineFilter.Op.MATCHES || op == LineFilter.Op.NOT_MATCHES) {
                p = compile(lexer, s, s.text());
            }
            filters.add(new LineFilter(op, s.text(), p));
        }
        if (matchers.stream().allMatch(LabelMatcher::matchesEmpty)) {
            throw new LogQlParseException(
                    "parse error : queries require at least one regexp or equality matcher that does not have an"
                            + " empty-compatible value. For instance, app=~\".*\" does not meet this requirement,"
                            + " but app=~\".+\" will");
        }
        return new LogQuery(matchers, filters);
    }

    private static List<LabelMatcher> selector(LogQlLexer lexer) throws LogQlParseException {
        LogQlLexer.Token open = lexer.next();
        if (open.kind() != LogQlLexer.Kind.LBRACE) {
            throw lexer.unexpected(open, "{" + SUBSET);
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        while (true) {
            LogQlLexer.Token name = lexer.next();
            if (name.kind() != LogQlLexer.Kind.IDENTIFIER) {
                throw lexer.unexpected(name, "IDENTIFIER");
            }
            LogQlLexer.Token opTok = lexer.next();
            LabelMatcher.Op op = switch (opTok.kind()) {
                case EQ -> LabelMatcher.Op.EQ;
                case NEQ -> LabelMatcher.Op.NEQ;
                case RE -> LabelMatcher.Op.RE;
                case NRE -> LabelMatcher.Op.NRE;
                default -> throw lexer.unexpected(opTok, "= != =~ !~");
            };
            LogQlLexer.Token value = lexer.next();
            if (value.kind() != LogQlLexer.Kind.STRING) {
                throw lexer.unexpected(value, "STRING");
            }
            Pattern p = null;
            if (op == LabelMatcher.Op.RE || op == LabelMatcher.Op.NRE) {
                // Prometheus anchors label regexes: "web-.*" must match the whole value
                p = compile(lexer, value, "^(?:" + value.text() + ")$");
            }
            matchers.add(new LabelMatcher(name.text(), op, value.text(), p));
            LogQlLexer.Token sep = lexer.next();
            if (sep.kind() == LogQlLexer.Kind.RBRACE) {
                return matchers;
            }
            if (sep.kind() != LogQlLexer.Kind.COMMA) {
                throw lexer.unexpected(sep, ", or }");
            }
        }
    }

    private static Pattern compile(LogQlLexer lexer, LogQlLexer.Token at, String regex) throws LogQlParseException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw lexer.error(at, "invalid regexp " + at.quoted() + ": " + e.getDescription());
        }
    }
}
