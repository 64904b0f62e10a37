package io.kubelite.apiserver.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * kube-apiserver's audit log flags. Auditing is on with both {@code --audit-policy-file} and
 * {@code --audit-log-path}; {@link #config} reads and checks the policy.
 */
public final class AuditFlags {
    @Option(
            names = "--audit-policy-file",
            description = "audit.k8s.io/v1 Policy (YAML or JSON): which requests are audited, at which level.")
    Path policyFile;

    @Option(
            names = "--audit-log-path",
            description = "Write audit events as JSON lines to this file ('-': standard output).")
    String logPath;

    @Option(
            names = "--audit-log-maxsize",
            defaultValue = "100",
            description = "Megabytes the audit log grows to before it is rotated (default: ${DEFAULT-VALUE}).")
    int maxSizeMb;

    @Option(
            names = "--audit-log-maxbackup",
            defaultValue = "0",
            description = "Rotated audit logs kept; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int maxBackups;

    @Option(
            names = "--audit-log-maxage",
            defaultValue = "0",
            description = "Days a rotated audit log is kept; 0 keeps them (default: ${DEFAULT-VALUE}).")
    int maxAgeDays;

    @Option(
            names = "--audit-log-format",
            defaultValue = "json",
            description = "Format of the audit log lines: json (default: ${DEFAULT-VALUE}).")
    String format;

    /**
     * The audit configuration, or null when auditing is off (one of the two flags missing:
     * {@code warn} is told which).
     *
     * @throws IllegalArgumentException a bad flag or policy, in one line
     */
    public AuditConfig config(java.util.function.Consumer<String> warn) {
        if (!"json".equals(format)) {
            throw new IllegalArgumentException(
                    "--audit-log-format: kubelite writes audit events as json only, got \"" + format + "\"");
        }
        if (maxSizeMb < 1 || maxBackups < 0 || maxAgeDays < 0) {
            throw new IllegalArgumentException(
                    "--audit-log-maxsize must be at least 1, --audit-log-maxbackup and --audit-log-maxage at least 0");
        }
        if (policyFile == null && logPath == null) {
            return null;
        }
        if (policyFile == null) {
            warn.accept("--audit-log-path without --audit-policy-file: no audit events will be recorded");
            return null;
        }
        AuditPolicy policy;
        try {
            policy = AuditPolicy.read(policyFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--audit-policy-file: cannot read " + policyFile + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--audit-policy-file " + e.getMessage());
        }
        if (logPath == null || logPath.isBlank()) {
            warn.accept("--audit-policy-file without --audit-log-path: no audit events will be recorded");
            return null;
        }
        AuditLog.Target target = logPath.equals("-")
                ? AuditLog.Target.stdout()
                : new AuditLog.Target(
                        Path.of(logPath), maxSizeMb * 1024L * 1024L, maxBackups, Duration.ofDays(maxAgeDays));
        return new AuditConfig(policy, target);
    }
}
