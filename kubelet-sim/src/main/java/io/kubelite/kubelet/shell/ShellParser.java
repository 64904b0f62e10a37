package io.kubelite.kubelet.shell;

import io.kubelite.kubelet.shell.ShellAst.And;
import io.kubelite.kubelet.shell.ShellAst.Arith;
import io.kubelite.kubelet.shell.ShellAst.Background;
import io.kubelite.kubelet.shell.ShellAst.CommandSub;
import io.kubelite.kubelet.shell.ShellAst.For;
import io.kubelite.kubelet.shell.ShellAst.Group;
import io.kubelite.kubelet.shell.ShellAst.If;
import io.kubelite.kubelet.shell.ShellAst.Lit;
import io.kubelite.kubelet.shell.ShellAst.Loop;
import io.kubelite.kubelet.shell.ShellAst.Node;
import io.kubelite.kubelet.shell.ShellAst.Not;
import io.kubelite.kubelet.shell.ShellAst.Or;
import io.kubelite.kubelet.shell.ShellAst.Param;
import io.kubelite.kubelet.shell.ShellAst.Part;
import io.kubelite.kubelet.shell.ShellAst.Pipeline;
import io.kubelite.kubelet.shell.ShellAst.Redirect;
import io.kubelite.kubelet.shell.ShellAst.Seq;
import io.kubelite.kubelet.shell.ShellAst.Simple;
import io.kubelite.kubelet.shell.ShellAst.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the POSIX-shell subset the simulator runs: simple commands with quoting
 * ({@code '...'}, {@code "..."}, backslash), parameters ({@code $X ${X} ${X:-d} $? $1 $#}),
 * {@code $((arithmetic))}, {@code $(command)} and backquotes, redirections
 * ({@code > >> < 2> 2>&1 &>}), lists ({@code ; & newline}), {@code && || ! |},
 * {@code while/until/if/for}, {@code { }} and {@code ( )}, and comments.
 */
public final class ShellParser {
    private static final Set<String> LIST_END = Set.of("then", "elif", "else", "fi", "do", "done", "}");

    private final String src;
    private int pos;
    private Token peeked;

    private ShellParser(String src) {
        this.src = src;
    }

    public static Node parse(String script) {
        ShellParser p = new ShellParser(script);
        Node n = p.list(Set.of());
        Token t = p.peek();
        if (t.kind != Kind.EOF) {
            throw new ShellSyntaxException("sh: syntax error: unexpected \"" + t.text() + "\"");
        }
        return n;
    }

    // ------------------------------------------------------------------ tokens

    private enum Kind {
        WORD,
        OP,
        REDIR,
        EOF
    }

    private record Token(Kind kind, String op, Word word, int fd) {
        String text() {
            if (kind == Kind.EOF) {
                return "end of file";
            }
            if (word != null) {
                String l = word.plainLiteral();
                return l != null ? l : "word";
            }
            return op.equals("\n") ? "newline" : op;
        }

        boolean isOp(String o) {
            return kind == Kind.OP && op.equals(o);
        }

        boolean isKeyword(String k) {
            return kind == Kind.WORD && k.equals(word.plainLiteral());
        }

        String keyword() {
            return kind == Kind.WORD ? word.plainLiteral() : null;
        }
    }

    private Token peek() {
        if (peeked == null) {
            peeked = lex();
        }
        return peeked;
    }

    private Token next() {
        Token t = peek();
        peeked = null;
        return t;
    }

    private Token lex() {
        // skip blanks, line continuations and comments
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\\' && pos + 1 < src.length() && src.charAt(pos + 1) == '\n') {
                pos += 2;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= src.length()) {
            return new Token(Kind.EOF, null, null, 0);
        }
        char c = src.charAt(pos);
        String rest = src.substring(pos, Math.min(src.length(), pos + 4));
        for (String r : new String[] {"2>&1", "1>&2", "&>>", "2>>", "&>", "2>", ">&2", ">>", "1>", ">", "<"}) {
            if (rest.startsWith(r)) {
                pos += r.length();
                return switch (r) {
                    case "2>&1" -> new Token(Kind.REDIR, "dup", null, 2);
                    case "1>&2", ">&2" -> new Token(Kind.REDIR, "dup", null, 1);
                    case "&>", "&>>" -> new Token(Kind.REDIR, r.equals("&>") ? "&>" : "&>>", null, 1);
                    case "2>" -> new Token(Kind.REDIR, ">", null, 2);
                    case "2>>" -> new Token(Kind.REDIR, ">>", null, 2);
                    case "1>", ">" -> new Token(Kind.REDIR, ">", null, 1);
                    case ">>" -> new Token(Kind.REDIR, ">>", null, 1);
                    default -> new Token(Kind.REDIR, "<", null, 0);
                };
            }
        }
        for (String o : new String[] {"&&", "||", ";;", ";", "&", "|", "(", ")", "\n"}) {
            if (rest.startsWith(o)) {
                pos += o.length();
                return new Token(Kind.OP, o, null, 0);
            }
        }
        return new Token(Kind.WORD, null, word(), 0);
    }

    private static boolean endsWord(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|' || c == '('
                || c == ')' || c == '<' || c == '>';
    }

    private Word word() {
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (endsWord(c)) {
                break;
            }
            if (c == '\\') {
                flush(parts, lit);
                pos++;
                if (pos < src.length()) {
                    if (src.charAt(pos) == '\n') {
                        pos++;
                        continue;
                    }
                    parts.add(new Lit(String.valueOf(src.charAt(pos)), true));
                    pos++;
                }
            } else if (c == '\'') {
                flush(parts, lit);
                int end = src.indexOf('\'', pos + 1);
                if (end < 0) {
                    throw new ShellSyntaxException("sh: syntax error: unterminated quoted string");
                }
                parts.add(new Lit(src.substring(pos + 1, end), true));
                pos = end + 1;
            } else if (c == '"') {
                flush(parts, lit);
                pos++;
                doubleQuoted(parts);
            } else if (c == '$' || c == '`') {
                flush(parts, lit);
                Part p = dollar(false);
                if (p != null) {
                    parts.add(p);
                } else {
                    lit.append('$');
                }
            } else {
                lit.append(c);
                pos++;
            }
        }
        flush(parts, lit);
        if (parts.isEmpty()) {
            parts.add(new Lit("", true));
        }
        return new Word(List.copyOf(parts));
    }

    private static void flush(List<Part> parts, StringBuilder lit) {
        if (lit.length() > 0) {
            parts.add(new Lit(lit.toString(), false));
            lit.setLength(0);
        }
    }

    private void doubleQuoted(List<Part> parts) {
        StringBuilder lit = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new ShellSyntaxException("sh: syntax error: unterminated quoted string");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\' && pos + 1 < src.length() && "$`\"\\\n".indexOf(src.charAt(pos + 1)) >= 0) {
                if (src.charAt(pos + 1) != '\n') {
                    lit.append(src.charAt(pos + 1));
                }
                pos += 2;
            } else if (c == '$' || c == '`') {
                Part p = dollar(true);
                if (p != null) {
                    if (lit.length() > 0) {
                        parts.add(new Lit(lit.toString(), true));
                        lit.setLength(0);
                    }
                    parts.add(p);
                } else {
                    lit.append('$');
                }
            } else {
                lit.append(c);
                pos++;
            }
        }
        // an empty "" still makes a (quoted, empty) field
        parts.add(new Lit(lit.toString(), true));
    }

    /** At a {@code $} or backquote: returns the part, or null for a lone {@code $} (consumed). */
    private Part dollar(boolean quoted) {
        char c = src.charAt(pos);
        if (c == '`') {
            int end = src.indexOf('`', pos + 1);
            if (end < 0) {
                throw new ShellSyntaxException("sh: syntax error: unterminated `");
            }
            String inner = src.substring(pos + 1, end);
            pos = end + 1;
            return new CommandSub(ShellParser.parse(inner), quoted);
        }
        pos++; // '$'
        if (pos >= src.length()) {
            return null;
        }
        char n = src.charAt(pos);
        if (src.startsWith("((", pos)) {
            int depth = 0;
            int i = pos;
            for (; i < src.length(); i++) {
                char ch = src.charAt(i);
                if (ch == '(') {
                    depth++;
                } else if (ch == ')') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                }
            }
            if (i >= src.length() || !src.startsWith("))", i - 1)) {
                throw new ShellSyntaxException("sh: syntax error: missing '))'");
            }
            String expr = src.substring(pos + 2, i - 1);
            pos = i + 1;
            return new Arith(expr);
        }
        if (n == '(') {
            int depth = 0;
            int i = pos;
            boolean sq = false;
            boolean dq = false;
            for (; i < src.length(); i++) {
                char ch = src.charAt(i);
                if (ch == '\'' && !dq) {
                    sq = !sq;
                } else if (ch == '"' && !sq) {
                    dq = !dq;
                } else if (!sq && !dq) {
                    if (ch == '(') {
                        depth++;
                    } else if (ch == ')') {
                        depth--;
                        if (depth == 0) {
                            break;
                        }
                    }
                }
            }
            if (i >= src.length()) {
                throw new ShellSyntaxException("sh: syntax error: unterminated $(");
            }
            String inner = src.substring(pos + 1, i);
            pos = i + 1;
            return new CommandSub(ShellParser.parse(inner), quoted);
        }
        if (n == '{') {
            int end = src.indexOf('}', pos);
            if (end < 0) {
                throw new ShellSyntaxException("sh: syntax error: missing '}'");
            }
            String body = src.substring(pos + 1, end);
            pos = end + 1;
            int d = body.indexOf(":-");
            if (d >= 0) {
                return new Param(body.substring(0, d), quoted, body.substring(d + 2));
            }
            int d2 = body.indexOf('-');
            if (d2 > 0) {
                return new Param(body.substring(0, d2), quoted, body.substring(d2 + 1));
            }
            return new Param(body, quoted, null);
        }
        if ("?$#@*!0123456789".indexOf(n) >= 0) {
            pos++;
            return new Param(String.valueOf(n), quoted, null);
        }
        if (Character.isLetter(n) || n == '_') {
            int start = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            return new Param(src.substring(start, pos), quoted, null);
        }
        return null;
    }

    // ------------------------------------------------------------------ grammar

    private void skipNewlines() {
        while (peek().isOp("\n")) {
            next();
        }
    }

    private boolean atListEnd(Set<String> ends) {
        Token t = peek();
        if (t.kind == Kind.EOF || t.isOp(")") || t.isOp(";;")) {
            return true;
        }
        String k = t.keyword();
        return k != null && (LIST_END.contains(k) || ends.contains(k));
    }

    private Node list(Set<String> ends) {
        List<Node> items = new ArrayList<>();
        skipNewlines();
        while (!atListEnd(ends)) {
            Node n = andOr();
            Token t = peek();
            if (t.isOp("&")) {
                next();
                n = new Background(n);
            } else if (t.isOp(";") || t.isOp("\n")) {
                next();
            } else if (!atListEnd(ends)) {
                throw new ShellSyntaxException("sh: syntax error: unexpected \"" + t.text() + "\"");
            }
            items.add(n);
            skipNewlines();
        }
        return items.size() == 1 ? items.get(0) : new Seq(List.copyOf(items));
    }

    private Node andOr() {
        Node left = pipeline();
        while (true) {
            Token t = peek();
            if (t.isOp("&&")) {
                next();
                skipNewlines();
                left = new And(left, pipeline());
            } else if (t.isOp("||")) {
                next();
                skipNewlines();
                left = new Or(left, pipeline());
            } else {
                return left;
            }
        }
    }

    private Node pipeline() {
        boolean negate = false;
        if (peek().isKeyword("!")) {
            next();
            negate = true;
        }
        List<Node> cmds = new ArrayList<>();
        cmds.add(command());
        while (peek().isOp("|")) {
            next();
            skipNewlines();
            cmds.add(command());
        }
        Node n = cmds.size() == 1 ? cmds.get(0) : new Pipeline(List.copyOf(cmds));
        return negate ? new Not(n) : n;
    }

    private Node command() {
        Token t = peek();
        if (t.kind == Kind.EOF) {
            throw new ShellSyntaxException("sh: syntax error: unexpected end of file");
        }
        if (t.isOp("(")) {
            next();
            Node body = list(Set.of());
            expectOp(")");
            return new Group(body, true, redirects());
        }
        String k = t.keyword();
        if (k != null) {
            switch (k) {
                case "while", "until" -> {
                    next();
                    Node cond = list(Set.of());
                    expectKeyword("do");
                    Node body = list(Set.of());
                    expectKeyword("done");
                    return new Loop(cond, body, k.equals("until"), redirects());
                }
                case "if" -> {
                    next();
                    List<Node> conds = new ArrayList<>();
                    List<Node> bodies = new ArrayList<>();
                    Node otherwise = null;
                    conds.add(list(Set.of()));
                    expectKeyword("then");
                    bodies.add(list(Set.of()));
                    while (true) {
                        Token e = next();
                        if (e.isKeyword("elif")) {
                            conds.add(list(Set.of()));
                            expectKeyword("then");
                            bodies.add(list(Set.of()));
                        } else if (e.isKeyword("else")) {
                            otherwise = list(Set.of());
                            expectKeyword("fi");
                            break;
                        } else if (e.isKeyword("fi")) {
                            break;
                        } else {
                            throw new ShellSyntaxException(
                                    "sh: syntax error: unexpected \"" + e.text() + "\" (expecting \"fi\")");
                        }
                    }
                    return new If(List.copyOf(conds), List.copyOf(bodies), otherwise, redirects());
                }
                case "for" -> {
                    next();
                    Token v = next();
                    if (v.kind != Kind.WORD || v.word.plainLiteral() == null) {
                        throw new ShellSyntaxException("sh: syntax error: bad for loop variable");
                    }
                    List<Word> items = null;
                    if (peek().isOp(";") || peek().isOp("\n")) {
                        next();
                    }
                    skipNewlines();
                    if (peek().isKeyword("in")) {
                        next();
                        items = new ArrayList<>();
                        while (peek().kind == Kind.WORD) {
                            items.add(next().word);
                        }
                        if (peek().isOp(";") || peek().isOp("\n")) {
                            next();
                        }
                    }
                    skipNewlines();
                    expectKeyword("do");
                    Node body = list(Set.of());
                    expectKeyword("done");
                    return new For(v.word.plainLiteral(), items, body, redirects());
                }
                case "{" -> {
                    next();
                    Node body = list(Set.of());
                    expectKeyword("}");
                    return new Group(body, false, redirects());
                }
                default -> {
                    if (LIST_END.contains(k)) {
                        throw new ShellSyntaxException("sh: syntax error: unexpected \"" + k + "\"");
                    }
                }
            }
        }
        return simple();
    }

    private Node simple() {
        List<Word> assigns = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        List<Redirect> redirs = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind == Kind.REDIR) {
                next();
                redirs.add(redirect(t));
            } else if (t.kind == Kind.WORD) {
                next();
                if (words.isEmpty() && isAssignment(t.word)) {
                    assigns.add(t.word);
                } else {
                    words.add(t.word);
                }
            } else {
                break;
            }
        }
        if (words.isEmpty() && assigns.isEmpty() && redirs.isEmpty()) {
            Token t = peek();
            throw new ShellSyntaxException("sh: syntax error: unexpected \"" + t.text() + "\"");
        }
        return new Simple(List.copyOf(assigns), List.copyOf(words), List.copyOf(redirs));
    }

    private static boolean isAssignment(Word w) {
        if (w.parts().isEmpty() || !(w.parts().get(0) instanceof Lit l) || l.quoted()) {
            return false;
        }
        int eq = l.text().indexOf('=');
        if (eq <= 0) {
            return false;
        }
        String name = l.text().substring(0, eq);
        if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            return false;
        }
        for (char c : name.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private List<Redirect> redirects() {
        List<Redirect> r = new ArrayList<>();
        while (peek().kind == Kind.REDIR) {
            r.add(redirect(next()));
        }
        return List.copyOf(r);
    }

    private Redirect redirect(Token t) {
        if (t.op.equals("dup")) {
            return new Redirect(t.fd, "dup", null, t.fd == 2 ? 1 : 2);
        }
        Token target = next();
        if (target.kind != Kind.WORD) {
            throw new ShellSyntaxException("sh: syntax error: unexpected \"" + target.text() + "\"");
        }
        return new Redirect(t.fd, t.op, target.word, 0);
    }

    private void expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) {
            throw new ShellSyntaxException(
                    "sh: syntax error: unexpected \"" + t.text() + "\" (expecting \"" + op + "\")");
        }
    }

    private void expectKeyword(String k) {
        Token t = next();
        if (!t.isKeyword(k)) {
            throw new ShellSyntaxException(
                    "sh: syntax error: unexpected \"" + t.text() + "\" (expecting \"" + k + "\")");
        }
    }
}
