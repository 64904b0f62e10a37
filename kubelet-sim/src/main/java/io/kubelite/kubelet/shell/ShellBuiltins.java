package io.kubelite.kubelet.shell;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The commands that finish at once, busybox-style: {@code true false : echo printf cat
 * touch rm mkdir cp mv ls test [ date hostname env printenv pwd} ({@code id} and {@code whoami}
 * are {@link IdCommand}). Messages and exit codes
 * follow busybox.
 */
final class ShellBuiltins {
    private ShellBuiltins() {}

    /** What a builtin can reach. */
    record Io(
            SimulatedFilesystem fs,
            Output out,
            Output err,
            UnaryOperator<String> path,
            Function<String, String> var,
            Map<String, String> environment,
            long nowMillis,
            String hostname) {}

    @FunctionalInterface
    interface Builtin {
        int run(List<String> args, Io io);
    }

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    private static final Map<String, Builtin> BUILTINS = Map.ofEntries(
            Map.entry("true", (a, io) -> 0),
            Map.entry(":", (a, io) -> 0),
            Map.entry("false", (a, io) -> 1),
            Map.entry("echo", ShellBuiltins::echo),
            Map.entry("printf", ShellBuiltins::printf),
            Map.entry("cat", ShellBuiltins::cat),
            Map.entry("touch", ShellBuiltins::touch),
            Map.entry("rm", ShellBuiltins::rm),
            Map.entry("mkdir", ShellBuiltins::mkdir),
            Map.entry("cp", (a, io) -> copyOrMove(a, io, false)),
            Map.entry("mv", (a, io) -> copyOrMove(a, io, true)),
            Map.entry("ls", ShellBuiltins::ls),
            Map.entry("test", (a, io) -> test(a, io, "test")),
            Map.entry("[", ShellBuiltins::bracket),
            Map.entry("date", (a, io) -> {
                io.out().write(DATE.format(Instant.ofEpochMilli(io.nowMillis()).atZone(ZoneOffset.UTC)) + "\n");
                return 0;
            }),
            Map.entry("hostname", (a, io) -> {
                io.out().write(io.hostname() + "\n");
                return 0;
            }),
            Map.entry("pwd", (a, io) -> {
                io.out().write(io.var().apply("PWD") + "\n");
                return 0;
            }),
            Map.entry("env", ShellBuiltins::printenv),
            Map.entry("printenv", ShellBuiltins::printenv));

    static Builtin find(String name) {
        return BUILTINS.get(name);
    }

    /**
     * busybox sleep: {@code N[smhd]} (fractions allowed), several arguments add up,
     * {@code infinity}. Returns simulated milliseconds, {@link Long#MAX_VALUE} for
     * infinity, or -1 after printing the error.
     */
    static long sleepMillis(List<String> args, Output err) {
        if (args.isEmpty()) {
            err.write("sleep: missing operand\n");
            return -1;
        }
        double total = 0;
        for (String a : args) {
            if (a.equals("infinity") || a.equals("inf")) {
                return Long.MAX_VALUE;
            }
            double mult = 1;
            String n = a;
            if (!a.isEmpty()) {
                char u = a.charAt(a.length() - 1);
                switch (u) {
                    case 's' -> n = a.substring(0, a.length() - 1);
                    case 'm' -> {
                        mult = 60;
                        n = a.substring(0, a.length() - 1);
                    }
                    case 'h' -> {
                        mult = 3600;
                        n = a.substring(0, a.length() - 1);
                    }
                    case 'd' -> {
                        mult = 86400;
                        n = a.substring(0, a.length() - 1);
                    }
                    default -> {}
                }
            }
            try {
                double v = Double.parseDouble(n);
                if (v < 0 || Double.isNaN(v) || !n.matches("[0-9.]+")) {
                    throw new NumberFormatException();
                }
                total += v * mult;
            } catch (NumberFormatException e) {
                err.write("sleep: invalid number '" + a + "'\n");
                return -1;
            }
        }
        return Math.round(total * 1000);
    }

    private static int echo(List<String> args, Io io) {
        boolean newline = true;
        boolean escapes = false;
        int i = 0;
        while (i < args.size() && args.get(i).matches("-[neE]+")) {
            String f = args.get(i);
            if (f.contains("n")) {
                newline = false;
            }
            if (f.contains("e")) {
                escapes = true;
            }
            if (f.contains("E")) {
                escapes = false;
            }
            i++;
        }
        String s = String.join(" ", args.subList(i, args.size()));
        if (escapes) {
            s = unescape(s);
        }
        io.out().write(newline ? s + "\n" : s);
        return 0;
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
    }

    private static int printf(List<String> args, Io io) {
        if (args.isEmpty()) {
            io.err().write("printf: usage: printf FORMAT [ARG]...\n");
            return 1;
        }
        String fmt = unescape(args.get(0));
        List<String> rest = args.subList(1, args.size());
        StringBuilder sb = new StringBuilder();
        int ai = 0;
        do {
            for (int i = 0; i < fmt.length(); i++) {
                char c = fmt.charAt(i);
                if (c == '%' && i + 1 < fmt.length()) {
                    char d = fmt.charAt(++i);
                    if (d == '%') {
                        sb.append('%');
                    } else {
                        String v = ai < rest.size() ? rest.get(ai++) : "";
                        if (d == 'd' || d == 'i') {
                            try {
                                sb.append(Long.parseLong(v.isEmpty() ? "0" : v.trim()));
                            } catch (NumberFormatException e) {
                                io.err().write("printf: invalid number '" + v + "'\n");
                                sb.append(0);
                            }
                        } else {
                            sb.append(v);
                        }
                    }
                } else {
                    sb.append(c);
                }
            }
        } while (ai < rest.size() && ai > 0);
        io.out().write(sb.toString());
        return 0;
    }

    private static int cat(List<String> args, Io io) {
        int status = 0;
        for (String a : args) {
            if (a.equals("-")) {
                continue;
            }
            String p = io.path().apply(a);
            if (io.fs().isDirectory(p)) {
                io.err().write("cat: read error: Is a directory\n");
                status = 1;
                continue;
            }
            byte[] content = io.fs().readBytes(p);
            if (content == null) {
                io.err().write("cat: can't open '" + a + "': No such file or directory\n");
                status = 1;
            } else {
                io.out().writeBytes(content);
            }
        }
        return status;
    }

    private static int touch(List<String> args, Io io) {
        int status = 0;
        for (String a : operands(args)) {
            if (!io.fs().touch(io.path().apply(a))) {
                io.err()
                        .write("touch: " + a + ": "
                                + (io.fs().isReadOnly(io.path().apply(a))
                                        ? "Read-only file system"
                                        : "No space left on device")
                                + "\n");
                status = 1;
            }
        }
        if (operands(args).isEmpty()) {
            io.err().write("touch: missing operand\n");
            return 1;
        }
        return status;
    }

    private static int rm(List<String> args, Io io) {
        boolean force = false;
        boolean recursive = false;
        for (String a : args) {
            if (a.startsWith("-") && a.length() > 1) {
                force |= a.contains("f");
                recursive |= a.contains("r") || a.contains("R");
            }
        }
        List<String> ops = operands(args);
        if (ops.isEmpty() && !force) {
            io.err().write("rm: missing operand\n");
            return 1;
        }
        int status = 0;
        for (String a : ops) {
            String p = io.path().apply(a);
            if (io.fs().isDirectory(p) && !recursive) {
                io.err().write("rm: '" + a + "' is a directory\n");
                status = 1;
            } else if (io.fs().exists(p) && io.fs().isReadOnly(p)) {
                io.err().write("rm: can't remove '" + a + "': Read-only file system\n");
                status = 1;
            } else if (!io.fs().remove(p, recursive) && !force) {
                io.err().write("rm: can't remove '" + a + "': No such file or directory\n");
                status = 1;
            }
        }
        return status;
    }

    private static int mkdir(List<String> args, Io io) {
        boolean parents = args.stream().anyMatch(a -> a.startsWith("-") && a.contains("p"));
        int status = 0;
        for (String a : operands(args)) {
            String p = io.path().apply(a);
            if (!io.fs().mkdir(p, parents)) {
                io.err()
                        .write(
                                io.fs().exists(p)
                                        ? "mkdir: can't create directory '" + a + "': File exists\n"
                                        : io.fs().isReadOnly(p)
                                                ? "mkdir: can't create directory '" + a + "': Read-only file system\n"
                                                : "mkdir: can't create directory '" + a
                                                        + "': No such file or directory\n");
                status = 1;
            }
        }
        return status;
    }

    private static int copyOrMove(List<String> args, Io io, boolean move) {
        String cmd = move ? "mv" : "cp";
        List<String> ops = operands(args);
        if (ops.size() != 2) {
            io.err().write(cmd + ": missing file operand\n");
            return 1;
        }
        String from = io.path().apply(ops.get(0));
        String to = io.path().apply(ops.get(1));
        byte[] content = io.fs().readBytes(from);
        if (content == null) {
            io.err().write(cmd + ": can't stat '" + ops.get(0) + "': No such file or directory\n");
            return 1;
        }
        if (io.fs().isDirectory(to)) {
            to = to + "/" + from.substring(from.lastIndexOf('/') + 1);
        }
        if (move && (io.fs().isReadOnly(from) || io.fs().isReadOnly(to))) {
            // rename(2) on a read-only filesystem: busybox's words for EROFS
            io.err().write("mv: can't rename '" + ops.get(0) + "': Read-only file system\n");
            return 1;
        }
        if (!io.fs().writeBytes(to, content, false)) {
            io.err()
                    .write(cmd + ": can't create '" + ops.get(1) + "': "
                            + (io.fs().isReadOnly(to) ? "Read-only file system" : "No space left on device") + "\n");
            return 1;
        }
        if (move) {
            io.fs().remove(from, false);
        }
        return 0;
    }

    private static int ls(List<String> args, Io io) {
        List<String> ops = operands(args);
        if (ops.isEmpty()) {
            ops = List.of(io.var().apply("PWD"));
        }
        int status = 0;
        for (String a : ops) {
            String p = io.path().apply(a);
            if (io.fs().isFile(p)) {
                io.out().write(a + "\n");
                continue;
            }
            List<String> names = io.fs().list(p);
            if (names == null) {
                io.err().write("ls: " + a + ": No such file or directory\n");
                status = 1;
            } else {
                for (String n : names) {
                    io.out().write(n + "\n");
                }
            }
        }
        return status;
    }

    /** {@code env} / {@code printenv}: every variable as NAME=value (the shell does not tell exported ones apart), or one's value. */
    private static int printenv(List<String> args, Io io) {
        if (args.isEmpty()) {
            StringBuilder all = new StringBuilder();
            io.environment()
                    .forEach((k, v) -> all.append(k).append('=').append(v).append('\n'));
            io.out().write(all.toString());
        } else {
            String v = io.var().apply(args.get(0));
            if (v == null) {
                return 1;
            }
            io.out().write(v + "\n");
        }
        return 0;
    }

    private static List<String> operands(List<String> args) {
        List<String> ops = new ArrayList<>();
        boolean endOfOptions = false;
        for (String a : args) {
            if (!endOfOptions && a.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && a.startsWith("-") && a.length() > 1) {
                continue;
            } else {
                ops.add(a);
            }
        }
        return ops;
    }

    private static int bracket(List<String> args, Io io) {
        if (args.isEmpty() || !args.get(args.size() - 1).equals("]")) {
            io.err().write("[: missing ]\n");
            return 2;
        }
        return test(args.subList(0, args.size() - 1), io, "[");
    }

    /** test / [: 0 true, 1 false, 2 error. */
    static int test(List<String> args, Io io, String name) {
        try {
            return new TestExpr(args, io).evaluate() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            io.err().write(name + ": " + e.getMessage() + "\n");
            return 2;
        }
    }

    /** Recursive descent over test's grammar: -o, -a, !, ( ), unary and binary primaries. */
    private static final class TestExpr {
        private final List<String> a;
        private final Io io;
        private int i;

        TestExpr(List<String> a, Io io) {
            this.a = a;
            this.io = io;
        }

        boolean evaluate() {
            if (a.isEmpty()) {
                return false;
            }
            boolean v = or();
            if (i < a.size()) {
                throw new IllegalArgumentException(a.get(i) + ": unknown operand");
            }
            return v;
        }

        private boolean or() {
            boolean v = and();
            while (i < a.size() && a.get(i).equals("-o")) {
                i++;
                boolean r = and();
                v = v || r;
            }
            return v;
        }

        private boolean and() {
            boolean v = not();
            while (i < a.size() && a.get(i).equals("-a")) {
                i++;
                boolean r = not();
                v = v && r;
            }
            return v;
        }

        private boolean not() {
            if (i < a.size() && a.get(i).equals("!") && i + 1 < a.size()) {
                i++;
                return !not();
            }
            return primary();
        }

        private boolean primary() {
            if (i >= a.size()) {
                throw new IllegalArgumentException("argument expected");
            }
            String t = a.get(i);
            if (t.equals("(")) {
                i++;
                boolean v = or();
                if (i >= a.size() || !a.get(i).equals(")")) {
                    throw new IllegalArgumentException("missing )");
                }
                i++;
                return v;
            }
            if (i + 2 < a.size() + 0 && isBinary(a.get(i + 1))) {
                String op = a.get(i + 1);
                String r = a.get(i + 2);
                i += 3;
                return binary(t, op, r);
            }
            if (t.startsWith("-") && t.length() == 2 && i + 1 < a.size()) {
                String operand = a.get(i + 1);
                i += 2;
                return unary(t, operand);
            }
            i++;
            return !t.isEmpty();
        }

        private static boolean isBinary(String op) {
            return switch (op) {
                case "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">" -> true;
                default -> false;
            };
        }

        private boolean unary(String op, String x) {
            String p = io.path().apply(x);
            return switch (op) {
                case "-e" -> io.fs().exists(p);
                case "-f" -> io.fs().isFile(p);
                case "-d" -> io.fs().isDirectory(p);
                case "-s" -> io.fs().isFile(p) && !io.fs().read(p).isEmpty();
                case "-r", "-w" -> io.fs().exists(p);
                case "-x" -> io.fs().isDirectory(p);
                case "-L", "-h", "-p", "-S", "-b", "-c" -> false;
                case "-z" -> x.isEmpty();
                case "-n" -> !x.isEmpty();
                default -> throw new IllegalArgumentException(op + ": unknown operand");
            };
        }

        private static boolean binary(String l, String op, String r) {
            switch (op) {
                case "=", "==":
                    return l.equals(r);
                case "!=":
                    return !l.equals(r);
                case "<":
                    return l.compareTo(r) < 0;
                case ">":
                    return l.compareTo(r) > 0;
                default:
                    break;
            }
            long x = num(l);
            long y = num(r);
            return switch (op) {
                case "-eq" -> x == y;
                case "-ne" -> x != y;
                case "-lt" -> x < y;
                case "-le" -> x <= y;
                case "-gt" -> x > y;
                default -> x >= y;
            };
        }

        private static long num(String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid number '" + s + "'");
            }
        }
    }
}
