package io.kubelite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.apiserver.Auth;
import io.kubelite.apiserver.audit.AuditAttributes;
import io.kubelite.apiserver.audit.AuditLevel;
import io.kubelite.apiserver.audit.AuditPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** up's audit policy: written once, then the user's; what it records. */
class AuditLaunchTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultPolicyIsWrittenOnceAndAnEditedOneKept() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir);
        AuditLaunch first = AuditLaunch.plan(layout);
        assertThat(first.args())
                .containsSequence(
                        "--audit-policy-file", dir.resolve("audit-policy.yaml").toString())
                .containsSequence(
                        "--audit-log-path", dir.resolve("audit/audit.log").toString())
                .containsSequence(
                        "--audit-log-maxsize", "100", "--audit-log-maxbackup", "10", "--audit-log-maxage", "30");
        Files.writeString(layout.auditPolicy(), "# mine\n");
        AuditLaunch.plan(layout);
        assertThat(layout.auditPolicy()).hasContent("# mine\n");
    }

    @Test
    void theDefaultPolicyKeepsSecretsOutAndRecordsChanges() {
        AuditPolicy p = AuditPolicy.parse(AuditLaunch.defaultPolicy());
        Auth.User admin = new Auth.User("admin", List.of("system:masters"), null);
        assertThat(p.decide(AuditAttributes.of(admin, "POST", "/api/v1/namespaces/a/secrets", null))
                        .level())
                .isEqualTo(AuditLevel.Metadata);
        assertThat(p.decide(AuditAttributes.of(admin, "POST", "/apis/apps/v1/namespaces/a/deployments", null))
                        .level())
                .isEqualTo(AuditLevel.Request);
        assertThat(p.decide(AuditAttributes.of(admin, "GET", "/api/v1/pods", null))
                        .level())
                .isEqualTo(AuditLevel.Metadata);
        assertThat(p.decide(AuditAttributes.of(admin, "GET", "/readyz", null)).level())
                .isEqualTo(AuditLevel.None);
    }
}
