package io.kubelite.store.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs child processes in a session of their own (via {@code setsid}, where present), so
 * a Ctrl-C in the terminal reaches only the parent, which then stops its children in
 * order, instead of every process at once. Without {@code setsid} the command is unchanged.
 */
public final class Sessions {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Sessions() {}

    /** {@code command}, prefixed so it starts in a new session. The child keeps the same pid. */
    public static List<String> inNewSession(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> out = new ArrayList<>(command.size() + 1);
        out.add(SETSID.toString());
        out.addAll(command);
        return out;
    }
}
