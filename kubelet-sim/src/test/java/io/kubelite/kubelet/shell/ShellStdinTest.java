package io.kubelite.kubelet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelite.kubelet.clock.ScheduledTimers;
import io.kubelite.kubelet.clock.TimeScale;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Programs that read stdin: read, cat, pipes, an interactive sh, and tar with real tar streams. */
class ShellStdinTest {
    private static final ScheduledTimers TIMERS = new ScheduledTimers("shell-stdin-test", 1);

    @AfterAll
    static void close() {
        TIMERS.close();
    }

    private record Run(int code, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** A sink keeping bytes as they were written. */
    private static final class Sink implements Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(String text) {
            writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void writeBytes(byte[] b) {
            bytes.write(b, 0, b.length);
        }
    }

    private static Run run(List<String> argv, SimulatedFilesystem fs, Input stdin, boolean tty) throws Exception {
        Sink out = new Sink();
        Sink err = new Sink();
        ShellProcess.Config cfg = ShellProcess.Config.builder(fs, TIMERS, new TimeScale(100))
                .env(Map.of("HOME", "/root"))
                .stdout(out)
                .stderr(err)
                .hostname("pod-a")
                .stdin(stdin)
                .tty(tty)
                .build();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ShellProcess.forArgv(argv, cfg).start(exit::complete);
        int code = exit.get(10, TimeUnit.SECONDS);
        return new Run(code, out.bytes.toByteArray(), err.bytes.toString(StandardCharsets.UTF_8));
    }

    private static Run sh(String script, SimulatedFilesystem fs, String stdin) throws Exception {
        return run(List.of("sh", "-c", script), fs, Input.of(stdin.getBytes(StandardCharsets.UTF_8)), false);
    }

    @Test
    void readAndCatConsumeStdinLineByLine() throws Exception {
        Run r = sh(
                "read a; read b c; cat; echo \"[$a|$b|$c]\"", new SimulatedFilesystem(), "one\ntwo three four\nrest\n");
        assertThat(r.text()).isEqualTo("rest\n[one|two|three four]\n");
        assertThat(sh("read x || echo eof", new SimulatedFilesystem(), "").text())
                .isEqualTo("eof\n");
    }

    @Test
    void pipesAndRedirectsFeedStdin() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.write("/tmp/in", "from a file\n", false);
        assertThat(sh("echo piped | cat; cat < /tmp/in; echo a b | { read x y; echo $y; }", fs, "")
                        .text())
                .isEqualTo("piped\nfrom a file\nb\n");
        Run missing = sh("cat < /nope", fs, "");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("sh: can't open '/nope': No such file or directory\n");
    }

    @Test
    void anInteractiveShellKeepsStateAcrossLinesAndPromptsOnATerminal() throws Exception {
        String typed = "cd /tmp\nX=1\nif [ $X = 1 ]; then\necho yes\nfi\necho $PWD\nexit 7\necho never\n";
        Run r = run(List.of("sh"), new SimulatedFilesystem(), Input.of(typed.getBytes(StandardCharsets.UTF_8)), true);
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.text()).isEqualTo("yes\n/tmp\n");
        assertThat(r.err()).isEqualTo("/ # /tmp # /tmp # > > /tmp # /tmp # ");
        // without a terminal: no prompts, and the end of input ends the shell with the last status
        Run plain = run(List.of("sh"), new SimulatedFilesystem(), Input.of("false\n".getBytes()), false);
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).isEmpty();
    }

    @Test
    void tarCreatesARealArchiveOfTheSimulatedFiles() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        fs.writeBytes("/srv/app/bin.dat", binary, false);
        fs.write("/srv/app/conf/a.txt", "a\n", false);
        Run r = run(List.of("tar", "cf", "-", "/srv/app"), fs, Input.EMPTY, false);
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).isEqualTo("tar: removing leading '/' from member names\n");
        List<String> names = new ArrayList<>();
        byte[] read = null;
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(r.out()))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
                if (e.getName().equals("srv/app/bin.dat")) {
                    read = in.readAllBytes();
                }
            }
        }
        assertThat(names).containsExactly("srv/app/", "srv/app/bin.dat", "srv/app/conf/", "srv/app/conf/a.txt");
        assertThat(read).isEqualTo(binary);
    }

    @Test
    void tarExtractsFromStdinIntoTheDirectoryKubectlCpNames() throws Exception {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(archive)) {
            byte[] data = "copied\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry("dir/file.txt");
            e.setSize(data.length);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        SimulatedFilesystem fs = new SimulatedFilesystem();
        Run r = run(
                List.of("tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-", "-C", "/tmp"),
                fs,
                Input.of(archive.toByteArray()),
                false);
        assertThat(r.code()).isEqualTo(0);
        assertThat(fs.read("/tmp/dir/file.txt")).isEqualTo("copied\n");
        assertThat(run(List.of("tar", "tf", "-"), fs, Input.of(archive.toByteArray()), false)
                        .text())
                .isEqualTo("dir/file.txt\n");

        Run noDir = run(List.of("tar", "-xf", "-", "-C", "/missing"), fs, Input.of(archive.toByteArray()), false);
        assertThat(noDir.code()).isEqualTo(1);
        assertThat(noDir.err()).isEqualTo("tar: can't change directory to '/missing': No such file or directory\n");
        Run garbage = run(List.of("tar", "xf", "-"), fs, Input.of("not a tar".getBytes()), false);
        assertThat(garbage.code()).isEqualTo(1);
        Run missing = run(List.of("tar", "cf", "-", "/nope"), fs, Input.EMPTY, false);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("tar: /nope: No such file or directory\n");
    }

    @Test
    void tarThroughAPipeRoundTrips() throws Exception {
        SimulatedFilesystem fs = new SimulatedFilesystem();
        fs.write("/data/x/f", "kept\n", false);
        Run r = sh("mkdir -p /copy && cd /data && tar cf - x | tar xf - -C /copy && cat /copy/x/f", fs, "");
        assertThat(r.text()).isEqualTo("kept\n");
    }
}
