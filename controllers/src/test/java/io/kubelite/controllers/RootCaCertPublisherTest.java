package io.kubelite.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.api.ConfigMap;
import io.kubelite.api.Namespace;
import io.kubelite.api.NamespaceStatus;
import io.kubelite.api.ObjectMeta;
import io.kubelite.controllers.rootcacert.RootCaCertPublisher;
import io.kubelite.kinds.core.configmap.ConfigMapKind;
import io.kubelite.kinds.core.namespace.NamespaceKind;
import io.kubelite.store.testing.EtcdExtension;
import io.kubelite.store.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root-ca-cert-publisher on a real etcd: every namespace gets {@code kube-root-ca.crt} with
 * {@code --root-ca-file}'s bytes and kube's description; a deleted or edited one is made right
 * again, a namespace made later gets one too; without the flag the controller does not run.
 */
class RootCaCertPublisherTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CA = "-----BEGIN CERTIFICATE-----\nroot ca, not parsed\n-----END CERTIFICATE-----\n";

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void everyNamespaceGetsTheRootCaAndEditsAreRepaired(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, CA);
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD, "--root-ca-file", ca.toString())) {
            // default and kube-system: the controller-manager's bootstrap makes them
            ConfigMap published = awaitPublished(h, "default", "in a namespace that existed");
            assertThat(published.getMetadata().getAnnotationsMap())
                    .as("seen %s", published.getMetadata())
                    .containsExactly(
                            Map.entry(RootCaCertPublisher.DESCRIPTION_ANNOTATION, RootCaCertPublisher.DESCRIPTION));
            awaitPublished(h, "kube-system", "in a namespace that existed");

            // deleted: made again
            h.join(h.of(ConfigMapKind.RESOURCE).delete("default", "kube-root-ca.crt"));
            ConfigMap again = awaitPublished(h, "default", "after its delete");
            assertThat(again.getMetadata().getUid())
                    .isNotEqualTo(published.getMetadata().getUid());

            // data edited and the description dropped: both put back, a label of the user's kept
            h.join(h.of(ConfigMapKind.RESOURCE).guaranteedUpdate("kube-system", "kube-root-ca.crt", cm -> {
                ConfigMap.Builder b =
                        cm.toBuilder().clearData().putData("ca.crt", "forged").putData("extra", "x");
                b.getMetadataBuilder().clearAnnotations().putLabels("mine", "yes");
                return b.build();
            }));
            ConfigMap repaired = awaitPublished(h, "kube-system", "after an edit");
            assertThat(repaired.getMetadata().getLabelsMap()).containsEntry("mine", "yes");

            // a namespace made later
            namespace(h, "late");
            awaitPublished(h, "late", "in a namespace made after the start");
        }
    }

    @Test
    void withoutRootCaFileNothingRuns() throws Exception {
        try (ControllerManagerUnderTest h = new ControllerManagerUnderTest(ETCD)) {
            assertThat(h.manager().controller(RootCaCertPublisher.class)).isEmpty();
        }
    }

    private static void namespace(ControllerManagerUnderTest h, String name) {
        h.join(h.of(NamespaceKind.RESOURCE)
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name))
                        .setStatus(NamespaceStatus.newBuilder().setPhase("Active"))
                        .build()));
    }

    /** The ConfigMap once it holds exactly ca.crt = the CA and the description. */
    private static ConfigMap awaitPublished(ControllerManagerUnderTest h, String ns, String when) {
        return Poll.until(
                WAIT,
                ns + "/kube-root-ca.crt with data {ca.crt: <ca file>} and kube's description, " + when,
                () -> h.getOrNull(ConfigMapKind.RESOURCE, ns, "kube-root-ca.crt"),
                cm -> cm != null
                        && cm.getDataMap().equals(Map.of("ca.crt", CA))
                        && RootCaCertPublisher.DESCRIPTION.equals(cm.getMetadata()
                                .getAnnotationsOrDefault(RootCaCertPublisher.DESCRIPTION_ANNOTATION, "")));
    }
}
