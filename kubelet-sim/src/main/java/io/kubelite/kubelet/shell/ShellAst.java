package io.kubelite.kubelet.shell;

import java.util.List;

/** The parsed form of a shell script: what {@link ShellParser} produces and {@link ShellProcess} runs. */
public final class ShellAst {
    private ShellAst() {}

    /** A command or list of commands. */
    public sealed interface Node permits Seq, And, Or, Not, Pipeline, Simple, Loop, If, For, Group, Background {}

    /** {@code a; b; c} */
    public record Seq(List<Node> items) implements Node {}

    /** {@code a && b} */
    public record And(Node left, Node right) implements Node {}

    /** {@code a || b} */
    public record Or(Node left, Node right) implements Node {}

    /** {@code ! a} */
    public record Not(Node body) implements Node {}

    /** {@code a | b}: the commands run one after the other; only the last one's output is kept. */
    public record Pipeline(List<Node> commands) implements Node {}

    /** {@code VAR=x cmd arg >file} */
    public record Simple(List<Word> assignments, List<Word> words, List<Redirect> redirects) implements Node {}

    /** {@code while cond; do body; done}, or {@code until} when {@code until} is true. */
    public record Loop(Node condition, Node body, boolean until, List<Redirect> redirects) implements Node {}

    /** {@code if c1; then b1; elif c2; then b2; else b3; fi}; {@code otherwise} may be null. */
    public record If(List<Node> conditions, List<Node> bodies, Node otherwise, List<Redirect> redirects)
            implements Node {}

    /** {@code for v in words; do body; done}; {@code items} null means the positional parameters. */
    public record For(String variable, List<Word> items, Node body, List<Redirect> redirects) implements Node {}

    /** {@code { list; }} or, when {@code subshell}, {@code ( list )}. */
    public record Group(Node body, boolean subshell, List<Redirect> redirects) implements Node {}

    /** {@code cmd &}: started, not waited for. */
    public record Background(Node body) implements Node {}

    /** A redirection: {@code fd} 1 or 2 to a file ({@code >}, {@code >>}), to another fd ({@code 2>&1}), or from a file ({@code <}). */
    public record Redirect(int fd, String op, Word target, int toFd) {}

    /** A word: parts to expand and concatenate. */
    public record Word(List<Part> parts) {
        /** The literal text if the word is one unquoted literal, else null (used for keywords and assignments). */
        public String plainLiteral() {
            if (parts.size() == 1 && parts.get(0) instanceof Lit l && !l.quoted()) {
                return l.text();
            }
            return null;
        }

        public boolean hasQuotes() {
            for (Part p : parts) {
                if (p instanceof Lit l && l.quoted()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Part of a word. */
    public sealed interface Part permits Lit, Param, Arith, CommandSub {}

    public record Lit(String text, boolean quoted) implements Part {}

    /** {@code $name}, {@code ${name}}, {@code $?}, {@code $1}; {@code defaultValue} from {@code ${name:-x}} or null. */
    public record Param(String name, boolean quoted, String defaultValue) implements Part {}

    /** {@code $((expr))} */
    public record Arith(String expression) implements Part {}

    /** {@code $(cmd)} or backquotes. */
    public record CommandSub(Node body, boolean quoted) implements Part {}
}
