package io.kubelite.kubelet.shell;

import java.util.List;
import java.util.stream.Collectors;

/**
 * busybox's {@code id} ({@code -u}, {@code -g}, {@code -G}, with {@code -n} for names) and
 * {@code whoami}, answered from the container's {@link Identity}: {@code uid=1000 gid=3000
 * groups=2000,3000}, names in parentheses where the image knows them ({@code uid=0(root)}).
 */
final class IdCommand {
    private IdCommand() {}

    static int whoami(Identity who, Output out, Output err) {
        String name = Identity.userName(who.uid());
        if (name == null) {
            err.write("whoami: unknown uid " + who.uid() + "\n");
            return 1;
        }
        out.write(name + "\n");
        return 0;
    }

    static int id(List<String> args, Identity who, Output out, Output err) {
        boolean user = false;
        boolean group = false;
        boolean groups = false;
        boolean names = false;
        for (String a : args) {
            if (!a.startsWith("-") || a.length() < 2) {
                // busybox looks the user up in /etc/passwd, which knows only root here
                if (!a.equals("root") && !a.equals("0")) {
                    err.write("id: unknown user " + a + "\n");
                    return 1;
                }
                who = Identity.ROOT;
                continue;
            }
            for (char c : a.substring(1).toCharArray()) {
                switch (c) {
                    case 'u' -> user = true;
                    case 'g' -> group = true;
                    case 'G' -> groups = true;
                    case 'n' -> names = true;
                    case 'r' -> {}
                    default -> {
                        err.write("id: invalid option -- '" + c + "'\n");
                        return 1;
                    }
                }
            }
        }
        if (user || group) {
            long v = user ? who.uid() : who.gid();
            if (!names) {
                out.write(v + "\n");
                return 0;
            }
            String name = user ? Identity.userName(v) : Identity.groupName(v);
            if (name == null) {
                err.write("id: unknown ID " + v + "\n");
                return 1;
            }
            out.write(name + "\n");
            return 0;
        }
        if (groups) {
            boolean byName = names;
            out.write(who.groups().stream()
                            .map(g ->
                                    byName && Identity.groupName(g) != null ? Identity.groupName(g) : String.valueOf(g))
                            .collect(Collectors.joining(" "))
                    + "\n");
            return 0;
        }
        out.write("uid=" + named(who.uid(), Identity.userName(who.uid()))
                + " gid=" + named(who.gid(), Identity.groupName(who.gid()))
                + (who.groups().isEmpty()
                        ? ""
                        : " groups="
                                + who.groups().stream()
                                        .map(g -> named(g, Identity.groupName(g)))
                                        .collect(Collectors.joining(",")))
                + "\n");
        return 0;
    }

    private static String named(long id, String name) {
        return name == null ? String.valueOf(id) : id + "(" + name + ")";
    }
}
