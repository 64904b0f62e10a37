package io.kubelite.kubelet.runtime;

import io.kubelite.kubelet.shell.Output;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A terminal's line discipline, enough for an interactive {@code sh} behind
 * {@code kubectl exec -it} or {@code attach -it} (whose local terminal is raw): typed
 * characters are echoed and collected into a line, Enter (CR or LF) hands the line with a
 * newline to the program, Backspace erases, Ctrl-U kills the line, Ctrl-C drops it
 * ({@code ^C}), Ctrl-D on an empty line is end of input. On output a newline becomes
 * CR LF ({@link #output}), as a tty's ONLCR does.
 */
public final class TtyDiscipline {
    private final StdinQueue program;
    private final Output echo;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public TtyDiscipline(StdinQueue program, Output echo) {
        this.program = program;
        this.echo = echo;
    }

    /** Bytes typed at the terminal. */
    public void input(byte[] typed) {
        for (byte b : typed) {
            byte[] deliver = null;
            boolean eof = false;
            synchronized (this) {
                switch (b) {
                    case '\r', '\n' -> {
                        echo.write("\r\n");
                        line.write('\n');
                        deliver = line.toByteArray();
                        line.reset();
                    }
                    case 0x7f, 0x08 -> {
                        if (line.size() > 0) {
                            byte[] cur = line.toByteArray();
                            int cut = cur.length - 1;
                            while (cut > 0 && (cur[cut] & 0xC0) == 0x80) {
                                cut--; // a whole UTF-8 character
                            }
                            line.reset();
                            line.write(cur, 0, cut);
                            echo.write("\b \b");
                        }
                    }
                    case 0x15 -> {
                        echo.write("\b \b".repeat(lineLength()));
                        line.reset();
                    }
                    case 0x03 -> {
                        echo.write("^C\r\n");
                        line.reset();
                        deliver = new byte[] {'\n'}; // a fresh prompt, as a shell does on SIGINT
                    }
                    case 0x04 -> {
                        if (line.size() == 0) {
                            eof = true;
                        } else {
                            deliver = line.toByteArray();
                            line.reset();
                        }
                    }
                    default -> {
                        if ((b & 0xff) >= 0x20 || b == '\t') {
                            line.write(b);
                            echo.writeBytes(new byte[] {b});
                        }
                    }
                }
            }
            if (deliver != null) {
                program.offer(deliver);
            }
            if (eof) {
                program.close();
                return;
            }
        }
    }

    private int lineLength() {
        return line.toString(StandardCharsets.UTF_8)
                .codePointCount(0, line.toString(StandardCharsets.UTF_8).length());
    }

    /** What the program writes, as the terminal shows it: LF → CR LF. */
    public static byte[] output(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 16);
        for (byte b : bytes) {
            if (b == '\n') {
                out.write('\r');
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}
