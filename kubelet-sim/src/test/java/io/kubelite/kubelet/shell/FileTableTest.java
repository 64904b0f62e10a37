package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileTableTest {
    private static List<String> paths(FileTable t) {
        List<String> out = new ArrayList<>();
        t.forEach((p, v) -> out.add(p + "=" + v));
        return out;
    }

    @Test
    void keepsFilesInPathOrderThroughPutsReplacementsAndRemovals() {
        FileTable t = new FileTable();
        for (String p : List.of("/etc/hosts", "/tmp/x", "/etc/hostname", "/a", "/etc/resolv.conf", "/z/1")) {
            assertThat(t.put(p, p.length())).isNull();
        }
        assertThat(t.put("/tmp/x", "new")).isEqualTo(6);
        assertThat(paths(t))
                .containsExactly(
                        "/a=2", "/etc/hostname=13", "/etc/hosts=10", "/etc/resolv.conf=16", "/tmp/x=new", "/z/1=4");
        assertThat(t.remove("/a")).isEqualTo(2);
        assertThat(t.remove("/a")).isNull();
        t.removeIf(p -> p.startsWith("/etc/"));
        assertThat(paths(t)).containsExactly("/tmp/x=new", "/z/1=4");
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.containsKey("/tmp/x")).isTrue();
        assertThat(t.get("/etc/hosts")).isNull();
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.put("/b", 1)).isNull();
        assertThat(paths(t)).containsExactly("/b=1");
    }
}
