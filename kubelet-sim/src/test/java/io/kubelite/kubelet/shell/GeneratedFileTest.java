package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A file made on read behaves as the same file written: reads, sizes, appends, overwrites, removes. */
class GeneratedFileTest {
    private static final String HOSTS = "127.0.0.1\tlocalhost\n10.0.0.5\tweb-0\n";

    private static SimulatedFilesystem.GeneratedFile hosts(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            return HOSTS.getBytes(StandardCharsets.UTF_8);
        };
    }

    @Test
    void readsAsTheWrittenFile() {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        AtomicInteger calls = new AtomicInteger();
        assertThat(fs.writeGenerated("/etc/hosts", hosts(calls))).isTrue();

        assertThat(fs.exists("/etc/hosts")).isTrue();
        assertThat(fs.isFile("/etc/hosts")).isTrue();
        assertThat(fs.read("/etc/hosts")).isEqualTo(HOSTS);
        assertThat(fs.readBytes("/etc/hosts")).isEqualTo(HOSTS.getBytes(StandardCharsets.UTF_8));
        assertThat(fs.size("/etc/hosts")).isEqualTo(HOSTS.length());
        assertThat(fs.list("/etc")).contains("hosts", "hostname");
        assertThat(fs.usedBytes()).isEqualTo(HOSTS.length());
        assertThat(fs.snapshot().read("/etc/hosts")).isEqualTo(HOSTS);
        // a caller that changes the bytes it read changes nothing in the file
        fs.readBytes("/etc/hosts")[0] = 'X';
        assertThat(fs.read("/etc/hosts")).isEqualTo(HOSTS);
    }

    @Test
    void appendAndOverwriteKeepTheBytesFromThenOn() {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        AtomicInteger calls = new AtomicInteger();
        fs.writeGenerated("/etc/hosts", hosts(calls));

        assertThat(fs.write("/etc/hosts", "1.2.3.4\tfoo\n", true)).isTrue();
        int made = calls.get();
        assertThat(fs.read("/etc/hosts")).isEqualTo(HOSTS + "1.2.3.4\tfoo\n");
        assertThat(calls.get()).as("no longer made on read").isEqualTo(made);

        fs.writeGenerated("/etc/hostname", () -> "web-0\n".getBytes(StandardCharsets.UTF_8));
        assertThat(fs.write("/etc/hostname", "other\n", false)).isTrue();
        assertThat(fs.read("/etc/hostname")).isEqualTo("other\n");
    }

    @Test
    void removedLikeAnyFile() {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.writeGenerated("/etc/hosts", hosts(new AtomicInteger()));

        assertThat(fs.remove("/etc/hosts", false)).isTrue();
        assertThat(fs.exists("/etc/hosts")).isFalse();
        assertThat(fs.read("/etc/hosts")).isNull();
        assertThat(fs.size("/etc/hosts")).isEqualTo(-1);

        fs.writeGenerated("/etc/hosts", hosts(new AtomicInteger()));
        assertThat(fs.remove("/etc", true)).isTrue();
        assertThat(fs.read("/etc/hosts")).isNull();
        assertThat(fs.touch("/etc/hosts")).isTrue();
        assertThat(fs.read("/etc/hosts")).isEmpty();
    }

    @Test
    void readOnlyRootRefusesIt() {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.makeRootReadOnly();
        assertThat(fs.writeGenerated("/etc/hosts", hosts(new AtomicInteger()))).isFalse();
        assertThat(fs.exists("/etc/hosts")).isFalse();
    }
}
