package io.kubelite.launcher;

import io.kubelite.store.StoreException;
import io.kubelite.store.UnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubelite store}: moves a cluster's data between etcd servers (export, import). */
@Command(
        name = "store",
        mixinStandardHelpOptions = true,
        description = "Copy kubelite's data out of and into etcd or etcdlite (see docs/store.md).",
        subcommands = {StoreExportCommand.class, StoreImportCommand.class})
final class StoreCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One line for a user: store errors say what happened; unreachable etcd also says where we looked. */
    static String describe(Throwable e, StoreConnectionOptions etcd) {
        if (e instanceof UnavailableException) {
            return "cannot reach etcd at " + etcd.describe() + ": " + e.getMessage();
        }
        if (e instanceof StoreException || e.getMessage() != null) {
            return e.getMessage();
        }
        return e.toString();
    }

    static void fail(CommandLine cmd, String command, String message) {
        cmd.getErr().println("kubelite store " + command + ": " + message);
        cmd.getErr().flush();
    }
}
