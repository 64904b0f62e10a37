package io.kubelite.kubelet.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The write end of a pipe between two commands of a pipeline: collects the first one's
 * output (at most {@link StdinReader#MAX_BYTES}; a real pipe would block the writer, here
 * the excess is dropped) for the next one to read.
 */
final class PipeBuffer implements Output {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    @Override
    public void write(String text) {
        writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void writeBytes(byte[] bytes) {
        if (buf.size() + bytes.length <= StdinReader.MAX_BYTES) {
            buf.write(bytes, 0, bytes.length);
        }
    }

    synchronized byte[] bytes() {
        return buf.toByteArray();
    }
}
