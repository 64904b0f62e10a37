package io.kubelite.kubelet.shell;

/**
 * What a command the interpreter does not know ({@code nginx}, {@code nslookup},
 * {@code /app/server}) does, by where it runs.
 */
public enum UnknownCommands {
    /** Init containers run to completion: the command succeeds after a short time. */
    SUCCEED_AFTER_DELAY,
    /** App containers: the command is a server and runs until the container is stopped. */
    RUN_FOREVER,
    /** Exec probes: the command succeeds at once. */
    SUCCEED
}
