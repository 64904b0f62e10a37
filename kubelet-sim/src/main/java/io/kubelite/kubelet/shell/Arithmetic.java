package io.kubelite.kubelet.shell;

import java.util.function.Function;

/** {@code $((...))}: integers, variables, {@code + - * / %}, comparisons, {@code && ||}, parentheses, unary minus and {@code !}. */
final class Arithmetic {
    private final String s;
    private final Function<String, String> vars;
    private int pos;

    private Arithmetic(String s, Function<String, String> vars) {
        this.s = s;
        this.vars = vars;
    }

    static long eval(String expression, Function<String, String> vars) {
        Arithmetic a = new Arithmetic(expression, vars);
        long v = a.or();
        a.ws();
        if (a.pos < a.s.length()) {
            throw new ShellSyntaxException("sh: arithmetic syntax error");
        }
        return v;
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private boolean eat(String op) {
        ws();
        if (s.startsWith(op, pos)) {
            pos += op.length();
            return true;
        }
        return false;
    }

    private long or() {
        long v = and();
        while (eat("||")) {
            long r = and();
            v = (v != 0 || r != 0) ? 1 : 0;
        }
        return v;
    }

    private long and() {
        long v = cmp();
        while (eat("&&")) {
            long r = cmp();
            v = (v != 0 && r != 0) ? 1 : 0;
        }
        return v;
    }

    private long cmp() {
        long v = add();
        while (true) {
            if (eat("==")) {
                v = v == add() ? 1 : 0;
            } else if (eat("!=")) {
                v = v != add() ? 1 : 0;
            } else if (eat("<=")) {
                v = v <= add() ? 1 : 0;
            } else if (eat(">=")) {
                v = v >= add() ? 1 : 0;
            } else if (eat("<")) {
                v = v < add() ? 1 : 0;
            } else if (eat(">")) {
                v = v > add() ? 1 : 0;
            } else {
                return v;
            }
        }
    }

    private long add() {
        long v = mul();
        while (true) {
            if (eat("+")) {
                v += mul();
            } else if (eat("-")) {
                v -= mul();
            } else {
                return v;
            }
        }
    }

    private long mul() {
        long v = unary();
        while (true) {
            if (eat("*")) {
                v *= unary();
            } else if (eat("/")) {
                long d = unary();
                if (d == 0) {
                    throw new ShellSyntaxException("sh: arithmetic: divide by zero");
                }
                v /= d;
            } else if (eat("%")) {
                long d = unary();
                if (d == 0) {
                    throw new ShellSyntaxException("sh: arithmetic: divide by zero");
                }
                v %= d;
            } else {
                return v;
            }
        }
    }

    private long unary() {
        if (eat("-")) {
            return -unary();
        }
        if (eat("+")) {
            return unary();
        }
        if (eat("!")) {
            return unary() == 0 ? 1 : 0;
        }
        return primary();
    }

    private long primary() {
        ws();
        if (eat("(")) {
            long v = or();
            if (!eat(")")) {
                throw new ShellSyntaxException("sh: arithmetic syntax error: missing ')'");
            }
            return v;
        }
        int start = pos;
        if (pos < s.length() && s.charAt(pos) == '$') {
            pos++;
            start = pos;
        }
        if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            return Long.parseLong(s.substring(start, pos));
        }
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos) {
            throw new ShellSyntaxException("sh: arithmetic syntax error");
        }
        String v = vars.apply(s.substring(start, pos));
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ShellSyntaxException("sh: arithmetic syntax error");
        }
    }
}
