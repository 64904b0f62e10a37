package io.kubelite.store.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelite.kinds.core.node.NodeKind;
import io.kubelite.kinds.core.pod.PodKind;
import io.kubelite.store.ObjectCodec;
import io.kubelite.store.TestObjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file format alone: what a valid export looks like and how every kind of damage is named. */
class ExportReaderTest {
    private static final ExportHeader HEADER =
            new ExportHeader(ExportFormat.V1, "/registry", 42, "2026-11-26T05:40:00Z");

    private static byte[] file(ExportEntry... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ExportWriter w = new ExportWriter(out);
            w.header(HEADER);
            for (ExportEntry e : entries) {
                w.entry(e);
            }
            w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ExportEntry pod(String ns, String name, long ttl) {
        return new ExportEntry(
                "pods/" + ns + "/" + name, ObjectCodec.encode(PodKind.RESOURCE, TestObjects.pod(ns, name)), ttl);
    }

    private static byte[] valid() {
        return file(
                pod("default", "a", 0),
                pod("default", "b", 3542),
                new ExportEntry("nodes/n1", ObjectCodec.encode(NodeKind.RESOURCE, TestObjects.node("n1")), 0));
    }

    private static List<String> lines(byte[] f) {
        return new ArrayList<>(Arrays.asList(new String(f, StandardCharsets.UTF_8).split("\n")));
    }

    private static byte[] join(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWrittenFileReadsBackWithItsHeaderEntriesAndTtls() {
        ExportFile f = TransferFixtures.parse(valid());
        assertThat(f.header()).isEqualTo(HEADER);
        assertThat(f.entries())
                .extracting(ExportEntry::key)
                .containsExactly("pods/default/a", "pods/default/b", "nodes/n1");
        assertThat(f.entries()).extracting(ExportEntry::ttlSeconds).containsExactly(0L, 3542L, 0L);
        assertThat(f.trailer().keys()).isEqualTo(3);
        assertThat(f.trailer().leased()).isEqualTo(1);
        List<String> l = lines(valid());
        assertThat(l.get(0)).startsWith("{\"format\":\"kubelite-export/v1\",\"prefix\":\"/registry\",\"revision\":42");
        assertThat(l.get(2)).endsWith(",\"ttl\":3542}");
        assertThat(l.get(4)).startsWith("{\"end\":\"kubelite-export/v1\",\"keys\":3,\"leased\":1,\"sha256\":\"");
    }

    @Test
    void anEmptyExportIsValid() {
        assertThat(TransferFixtures.parse(file()).entries()).isEmpty();
    }

    private static void rejected(byte[] f, String message) {
        assertThatThrownBy(() -> TransferFixtures.parse(f))
                .isInstanceOf(InvalidExportException.class)
                .hasMessage(message);
    }

    private static void rejectedContaining(byte[] f, String... parts) {
        assertThatThrownBy(() -> TransferFixtures.parse(f))
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContainingAll(parts);
    }

    @Test
    void aMissingTrailerIsTruncation() {
        List<String> l = lines(valid());
        l.remove(l.size() - 1);
        rejected(join(l), "truncated: the export ends after line 4 without its trailer (3 keys read)");
    }

    @Test
    void aFileCutInTheMiddleOfALineIsTruncation() {
        byte[] f = valid();
        byte[] cut = Arrays.copyOf(f, lines(valid()).get(0).length() + 1 + 30);
        rejected(cut, "line 2: the file ends in the middle of this line (truncated)");
    }

    @Test
    void lostLinesAreCaughtByTheTrailerCount() {
        List<String> l = lines(valid());
        l.remove(2);
        rejected(join(l), "line 4: the trailer counts 3 keys but the file holds 2 (lines lost or added)");
    }

    @Test
    void anEditedLineIsCaughtByTheChecksum() {
        List<String> l = lines(valid());
        l.set(0, l.get(0).replace("\"revision\":42", "\"revision\":43"));
        rejectedContaining(join(l), "line 5: checksum mismatch: the file was changed or damaged after export");
    }

    @Test
    void aValueThatIsNotAKubeliteObjectNamesItsLine() {
        byte[] f = file(
                pod("default", "a", 0), new ExportEntry("pods/default/b", "hello".getBytes(StandardCharsets.UTF_8), 0));
        rejectedContaining(f, "line 3: value at pods/default/b is not a kubelite object (missing magic prefix");
    }

    @Test
    void aDamagedEnvelopeNamesItsLine() {
        byte[] v = ObjectCodec.encode(PodKind.RESOURCE, TestObjects.pod("default", "a"));
        byte[] damaged = Arrays.copyOf(v, v.length - 5);
        rejectedContaining(file(new ExportEntry("pods/default/a", damaged, 0)), "line 2: value at pods/default/a");
    }

    @Test
    void anObjectUnderTheWrongResourceIsRefused() {
        byte[] node = ObjectCodec.encode(NodeKind.RESOURCE, TestObjects.node("n1"));
        rejected(
                file(new ExportEntry("pods/default/n1", node, 0)),
                "line 2: key pods/default/n1 holds a v1 Node, which belongs at nodes/<name>");
    }

    @Test
    void badBase64NamesItsLine() {
        List<String> l = lines(valid());
        l.set(1, "{\"key\":\"pods/default/a\",\"value\":\"***\"}");
        rejectedContaining(join(l), "line 2: value of pods/default/a is not valid base64");
    }

    @Test
    void absoluteAndDuplicateKeysAreRefused() {
        ExportEntry a = pod("default", "a", 0);
        rejected(
                file(new ExportEntry("/registry/pods/default/a", a.value(), 0)),
                "line 2: key \"/registry/pods/default/a\" must be relative to the prefix (no leading '/')");
        rejected(file(a, a), "line 3: key pods/default/a appears twice (first on line 2)");
    }

    @Test
    void anotherFormatOrNoHeaderIsRefusedOnLineOne() {
        List<String> l = lines(valid());
        l.set(0, l.get(0).replace("kubelite-export/v1", "kubelite-export/v9"));
        rejected(join(l), "line 1: unsupported format \"kubelite-export/v9\"; this kubelite reads kubelite-export/v1");
        rejected(
                "apiVersion: v1\nkind: Pod\n".getBytes(StandardCharsets.UTF_8),
                "line 1: not JSON (expected a kubelite export header): Unrecognized token 'apiVersion': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        rejected(
                "{\"hello\":1}\n".getBytes(StandardCharsets.UTF_8),
                "line 1: not a kubelite export header (no \"format\" field)");
        rejected(new byte[0], "empty input: not a kubelite export");
    }

    @Test
    void dataAfterTheTrailerIsRefused() {
        List<String> l = lines(valid());
        l.add(l.get(1));
        rejected(join(l), "line 6: data after the trailer (line 5 ended the export)");
    }

    @Test
    void nonPositiveTtlIsRefused() {
        List<String> l = lines(valid());
        l.set(2, l.get(2).replace("\"ttl\":3542", "\"ttl\":-5"));
        rejected(join(l), "line 3: ttl of pods/default/b must be a positive number of seconds, got -5");
    }

    @Test
    void valuesRoundTripByteForByte() {
        byte[] v = ObjectCodec.encode(PodKind.RESOURCE, TestObjects.pod("default", "a"));
        ExportFile f = TransferFixtures.parse(file(new ExportEntry("pods/default/a", v, 0)));
        assertThat(Base64.getEncoder().encodeToString(f.entries().get(0).value()))
                .isEqualTo(Base64.getEncoder().encodeToString(v));
    }
}
