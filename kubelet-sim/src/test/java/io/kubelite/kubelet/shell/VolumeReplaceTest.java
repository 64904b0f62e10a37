package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A volume's files swapped whole, as the kubelet's atomic writer does on each sync: a sync that
 * brings nothing new leaves the volume alone; one that does shows exactly the new files.
 */
class VolumeReplaceTest {
    private static Map<String, byte[]> files(String... pathsAndTexts) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            m.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void aSyncWithTheSameFilesChangesNothing() {
        SimulatedFilesystem volume = SimulatedFilesystem.empty();
        assertThat(volume.replaceAll(files("token", "t1", "ca.crt", "PEM", "namespace", "ns")))
                .as("the first sync writes")
                .isTrue();

        assertThat(volume.replaceAll(files("token", "t1", "ca.crt", "PEM", "namespace", "ns")))
                .as("a sync with equal files")
                .isFalse();
        assertThat(volume.replaceAll(files("namespace", "ns", "token", "t1", "ca.crt", "PEM")))
                .as("the same files in another order")
                .isFalse();
        assertThat(volume.list("/")).containsExactly("ca.crt", "namespace", "token");
        assertThat(volume.read("/token")).isEqualTo("t1");
    }

    @Test
    void aSyncWithChangedFilesShowsExactlyTheNewOnes() {
        SimulatedFilesystem volume = SimulatedFilesystem.empty();
        volume.replaceAll(files("token", "t1", "ca.crt", "PEM", "dir/key", "v1"));

        assertThat(volume.replaceAll(files("token", "t2", "ca.crt", "PEM", "other/key", "v2")))
                .as("a token renewed, a key moved")
                .isTrue();

        assertThat(volume.read("/token")).isEqualTo("t2");
        assertThat(volume.read("/ca.crt")).isEqualTo("PEM");
        assertThat(volume.read("/other/key")).isEqualTo("v2");
        assertThat(volume.exists("/dir/key"))
                .as("a file the sync no longer has")
                .isFalse();
        assertThat(volume.exists("/dir")).as("its directory").isFalse();
        assertThat(volume.list("/")).containsExactly("ca.crt", "other", "token");
        assertThat(volume.replaceAll(files("token", "t2"))).as("files dropped").isTrue();
        assertThat(volume.list("/")).containsExactly("token");
    }

    @Test
    void theVolumeKeepsItsOwnCopyOfTheBytes() {
        SimulatedFilesystem volume = SimulatedFilesystem.empty();
        Map<String, byte[]> content = files("token", "t1");
        volume.replaceAll(content);
        content.get("token")[0] = 'X';
        assertThat(volume.read("/token")).isEqualTo("t1");
    }
}
