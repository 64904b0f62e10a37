package io.kubelite.logstore.logql;

/**
 * Splits a LogQL query into tokens, tracking each token's 1-based line and column for error
 * messages. Strings are unquoted here (Go double-quoted escapes, or raw back-quoted strings).
 * One instance reads one query; not thread-safe.
 */
final class LogQlLexer {
    enum Kind {
        LBRACE("{"),
        RBRACE("}"),
        COMMA(","),
        EQ("="),
        NEQ("!="),
        RE("=~"),
        NRE("!~"),
        PIPE_EXACT("|="),
        PIPE_MATCH("|~"),
        PIPE("|"),
        IDENTIFIER("IDENTIFIER"),
        STRING("STRING"),
        OTHER("character"),
        EOF("end of input");

        final String display;

        Kind(String display) {
            this.display = display;
        }
    }

    /** @param raw the token as written (for messages); text: the unquoted value for strings */
    record Token(Kind kind, String text, String raw, int line, int column) {
        String quoted() {
            return raw;
        }
    }

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    LogQlLexer(String src) {
        this.src = src;
    }

    Token next() throws LogQlParseException {
        skipSpace();
        int l = line;
        int c = pos - lineStart + 1;
        if (pos >= src.length()) {
            return new Token(Kind.EOF, "", "", l, c);
        }
        char ch = src.charAt(pos);
        char nx = pos + 1 < src.length() ? src.charAt(pos + 1) : 0;
        switch (ch) {
            case '{' -> {
                return simple(Kind.LBRACE, 1, l, c);
            }
            case '}' -> {
                return simple(Kind.RBRACE, 1, l, c);
            }
            case ',' -> {
                return simple(Kind.COMMA, 1, l, c);
            }
            case '=' -> {
                return nx == '~' ? simple(Kind.RE, 2, l, c) : simple(Kind.EQ, 1, l, c);
            }
            case '!' -> {
                if (nx == '=') {
                    return simple(Kind.NEQ, 2, l, c);
                }
                if (nx == '~') {
                    return simple(Kind.NRE, 2, l, c);
                }
                return simple(Kind.OTHER, 1, l, c);
            }
            case '|' -> {
                if (nx == '=') {
                    return simple(Kind.PIPE_EXACT, 2, l, c);
                }
                if (nx == '~') {
                    return simple(Kind.PIPE_MATCH, 2, l, c);
                }
                return simple(Kind.PIPE, 1, l, c);
            }
            case '"' -> {
                return doubleQuoted(l, c);
            }
            case '`' -> {
                int end = src.indexOf('`', pos + 1);
                if (end < 0) {
                    throw new LogQlParseException(l, c, "syntax error: unterminated raw string");
                }
                String text = src.substring(pos + 1, end);
                Token t = new Token(Kind.STRING, text, src.substring(pos, end + 1), l, c);
                advanceTo(end + 1);
                return t;
            }
            default -> {
                if (isIdentStart(ch)) {
                    int start = pos;
                    while (pos < src.length() && isIdentPart(src.charAt(pos))) {
                        pos++;
                    }
                    String id = src.substring(start, pos);
                    return new Token(Kind.IDENTIFIER, id, id, l, c);
                }
                return simple(Kind.OTHER, 1, l, c);
            }
        }
    }

    LogQlParseException unexpected(Token t, String expecting) {
        String what = switch (t.kind()) {
            case EOF -> "end of input";
            case IDENTIFIER -> "IDENTIFIER " + t.raw();
            case STRING -> "STRING " + t.raw();
            default -> t.raw();
        };
        return new LogQlParseException(
                t.line(), t.column(), "syntax error: unexpected " + what + ", expecting " + expecting);
    }

    LogQlParseException error(Token t, String detail) {
        return new LogQlParseException(t.line(), t.column(), detail);
    }

    private Token simple(Kind kind, int len, int l, int c) {
        String raw = src.substring(pos, pos + len);
        pos += len;
        return new Token(kind, raw, raw, l, c);
    }

    private Token doubleQuoted(int l, int c) throws LogQlParseException {
        int start = pos;
        StringBuilder out = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= src.length() || src.charAt(i) == '\n') {
                throw new LogQlParseException(l, c, "syntax error: unterminated string");
            }
            char ch = src.charAt(i);
            if (ch == '"') {
                break;
            }
            if (ch != '\\') {
                out.append(ch);
                i++;
                continue;
            }
            if (i + 1 >= src.length()) {
                throw new LogQlParseException(l, c, "syntax error: unterminated string");
            }
            char e = src.charAt(i + 1);
            int escCol = i - lineStart + 1;
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '\\' -> out.append('\\');
                case '"' -> out.append('"');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + 2 + digits > src.length()) {
                        throw new LogQlParseException(line, escCol, "invalid char escape");
                    }
                    try {
                        out.appendCodePoint(Integer.parseInt(src.substring(i + 2, i + 2 + digits), 16));
                    } catch (IllegalArgumentException ex) {
                        throw new LogQlParseException(line, escCol, "invalid char escape");
                    }
                    i += digits;
                }
                default ->
                    throw new LogQlParseException(
                            line,
                            escCol,
                            "invalid char escape \\" + e
                                    + " (in double quotes write a regex backslash twice, \"\\\\d\", or use `\\d`)");
            }
            i += 2;
        }
        Token t = new Token(Kind.STRING, out.toString(), src.substring(start, i + 1), l, c);
        pos = i + 1;
        return t;
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (!Character.isWhitespace(ch)) {
                return;
            }
            pos++;
        }
    }

    private void advanceTo(int end) {
        for (int i = pos; i < end; i++) {
            if (src.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        pos = end;
    }

    private static boolean isIdentStart(char ch) {
        return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    }

    private static boolean isIdentPart(char ch) {
        return isIdentStart(ch) || (ch >= '0' && ch <= '9');
    }
}
