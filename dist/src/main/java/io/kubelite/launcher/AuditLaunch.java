package io.kubelite.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@code kubelite up} audits its API server: with the policy file in the cluster's directory
 * (written from kubelite's default on the first {@code up}, then the user's to edit) and a log
 * rotated at the CIS benchmark's values (100 MB, 10 backups, 30 days).
 */
final class AuditLaunch {
    private final Path policy;
    private final Path log;

    private AuditLaunch(Path policy, Path log) {
        this.policy = policy;
        this.log = log;
    }

    /** Writes the default policy unless there is one already. */
    static AuditLaunch plan(ClusterLayout layout) throws IOException {
        Path policy = layout.auditPolicy();
        if (!Files.exists(policy)) {
            Files.createDirectories(policy.getParent());
            Files.writeString(policy, defaultPolicy());
        }
        return new AuditLaunch(policy, layout.auditLog());
    }

    static String defaultPolicy() {
        try (InputStream in = AuditLaunch.class.getResourceAsStream("audit-policy.yaml")) {
            if (in == null) {
                throw new IllegalStateException("audit-policy.yaml is missing from the launcher's resources");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API server's audit flags. */
    List<String> args() {
        return List.of(
                "--audit-policy-file",
                policy.toString(),
                "--audit-log-path",
                log.toString(),
                "--audit-log-maxsize",
                "100",
                "--audit-log-maxbackup",
                "10",
                "--audit-log-maxage",
                "30");
    }

    Path log() {
        return log;
    }
}
