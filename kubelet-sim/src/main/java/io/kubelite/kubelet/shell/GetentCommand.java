package io.kubelite.kubelet.shell;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code getent hosts NAME...} (glibc's and musl's): each name through {@link NameResolver}
 * ({@code /etc/hosts}, then DNS), printed as {@code ADDRESS} in 15 columns and the name that
 * answered; exit 2 when a name has no address. Other databases are not simulated (exit 1).
 */
final class GetentCommand {
    private GetentCommand() {}

    static void run(List<String> args, NetworkCommands.Io io) {
        if (args.isEmpty()) {
            io.err.write("Usage: getent [OPTION...] database [key ...]\n");
            io.exit(1);
            return;
        }
        if (!args.get(0).equals("hosts") && !args.get(0).equals("ahostsv4")) {
            io.err.write("Unknown database: " + args.get(0)
                    + "\nTry `getent --help' or `getent --usage' for more information.\n");
            io.exit(1);
            return;
        }
        if (args.size() < 2) {
            io.exit(0); // enumerating every host is not simulated: nothing listed
            return;
        }
        next(args.subList(1, args.size()), 0, 0, io);
    }

    private static void next(List<String> names, int i, int code, NetworkCommands.Io io) {
        if (i >= names.size()) {
            io.exit(code);
            return;
        }
        io.await(
                io.resolver().resolve(names.get(i)),
                Duration.ofMinutes(10),
                NameResolver.Resolution.failed(NameResolver.Error.TRY_AGAIN),
                r -> {
                    if (r.ok()) {
                        io.out.write(String.format(Locale.ROOT, "%-15s %s\n", r.address(), r.name()));
                        next(names, i + 1, code, io);
                    } else {
                        next(names, i + 1, 2, io);
                    }
                });
    }
}
