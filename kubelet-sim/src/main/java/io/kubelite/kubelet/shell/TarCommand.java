package io.kubelite.kubelet.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * busybox {@code tar} over a {@link SimulatedFilesystem}: {@code c} (create), {@code x}
 * (extract) and {@code t} (list) of real ustar/POSIX archives (Apache Commons Compress
 * writes and reads the format), with {@code f FILE|-}, {@code -C DIR}, {@code v}, and
 * options as both {@code tar cf - x} and {@code tar -xmf - -C dir} spell them — what
 * {@code kubectl cp} runs in a container. Ownership and permission options are accepted
 * and mean nothing here; compression is not supported.
 */
final class TarCommand {
    /** What one run needs; {@code stdin} is the whole input when the archive is {@code -}. */
    record Io(SimulatedFilesystem fs, UnaryOperator<String> path, Output out, Output err, long nowMillis) {}

    private char mode;
    private String file;
    private String dir;
    private boolean verbose;
    private final List<String> members = new ArrayList<>();

    private TarCommand() {}

    /** Parses the arguments; null (after printing busybox's message) when they are not usable. */
    static TarCommand parse(List<String> args, Output err) {
        TarCommand t = new TarCommand();
        List<String> rest = new ArrayList<>(args);
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            rest.set(0, "-" + rest.get(0)); // old style: "tar cf - x"
        }
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.startsWith("--")) {
                if (a.startsWith("--file=")) {
                    t.file = a.substring(7);
                } else if (a.startsWith("--directory=")) {
                    t.dir = a.substring(12);
                } else if (a.equals("--extract") || a.equals("--create") || a.equals("--list")) {
                    t.mode = a.charAt(2) == 'e' ? 'x' : a.charAt(2) == 'c' ? 'c' : 't';
                }
                continue; // --no-same-owner, --no-same-permissions, ...: nothing to do here
            }
            if (!a.startsWith("-") || a.length() == 1) {
                t.members.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                switch (c) {
                    case 'c', 'x', 't' -> t.mode = c;
                    case 'v' -> t.verbose = true;
                    case 'f', 'C' -> {
                        if (i + 1 >= rest.size()) {
                            err.write("tar: option requires an argument -- '" + c + "'\n");
                            return null;
                        }
                        String v = rest.get(++i);
                        if (c == 'f') {
                            t.file = v;
                        } else {
                            t.dir = v;
                        }
                    }
                    case 'z', 'j', 'J', 'Z' -> {
                        err.write("tar: compression (-" + c + ") is not supported by the simulated tar\n");
                        return null;
                    }
                    default -> {} // m, o, p, h, ...: times, owners, permissions are not simulated
                }
            }
        }
        if (t.mode == 0) {
            err.write("tar: need to specify one of -c, -t or -x\n");
            return null;
        }
        if (t.mode == 'c' && t.members.isEmpty()) {
            err.write("tar: empty archive\n");
            return null;
        }
        return t;
    }

    /** True when the archive comes from standard input (extract or list of {@code -} or no {@code f}). */
    boolean readsStdin() {
        return mode != 'c' && (file == null || file.equals("-"));
    }

    /** Runs; {@code stdin} is the archive when {@link #readsStdin()}. Returns the exit code. */
    int run(Io io, byte[] stdin) {
        String base = dir == null ? io.path().apply(".") : io.path().apply(dir);
        if (dir != null && !io.fs().isDirectory(base)) {
            io.err().write("tar: can't change directory to '" + dir + "': No such file or directory\n");
            return 1;
        }
        try {
            return mode == 'c' ? create(io, base) : extractOrList(io, base, stdin);
        } catch (IOException e) {
            io.err().write("tar: " + e.getMessage() + "\n");
            return 1;
        }
    }

    private int create(TarCommand.Io io, String base) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = 0;
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            boolean warned = false;
            for (String m : members) {
                String name = m;
                if (name.startsWith("/")) {
                    if (!warned) {
                        io.err().write("tar: removing leading '/' from member names\n");
                        warned = true;
                    }
                    name = name.replaceFirst("^/+", "");
                }
                String p = SimulatedFilesystem.normalize(base, m);
                if (!io.fs().exists(p)) {
                    io.err().write("tar: " + m + ": No such file or directory\n");
                    status = 1;
                    continue;
                }
                add(tar, io, p, name.isEmpty() ? "." : name);
            }
        }
        if (file == null || file.equals("-")) {
            io.out().writeBytes(bytes.toByteArray());
        } else if (!io.fs().writeBytes(io.path().apply(file), bytes.toByteArray(), false)) {
            String why = io.fs().isReadOnly(io.path().apply(file)) ? "Read-only file system" : "Is a directory";
            io.err().write("tar: can't open '" + file + "': " + why + "\n");
            return 1;
        }
        return status;
    }

    private void add(TarArchiveOutputStream tar, TarCommand.Io io, String path, String name) throws IOException {
        Date now = new Date(io.nowMillis());
        if (io.fs().isDirectory(path)) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
            e.setModTime(now);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            verbose(io, e.getName());
            String prefix = name.endsWith("/") ? name : name + "/";
            for (String child : io.fs().list(path)) {
                add(tar, io, (path.equals("/") ? "" : path) + "/" + child, prefix + child);
            }
            return;
        }
        byte[] content = io.fs().readBytes(path);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
        e.setModTime(now);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
        verbose(io, name);
    }

    private int extractOrList(TarCommand.Io io, String base, byte[] stdin) throws IOException {
        byte[] archive = stdin;
        if (!readsStdin()) {
            archive = io.fs().readBytes(io.path().apply(file));
            if (archive == null) {
                io.err().write("tar: can't open '" + file + "': No such file or directory\n");
                return 1;
            }
        }
        if (archive.length == 0) {
            return 0; // busybox: an empty input is an empty archive
        }
        if (archive.length < 512) {
            io.err().write("tar: short read\n"); // not even one header block
            return 1;
        }
        int status = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (mode == 't') {
                    io.out().write(e.getName() + "\n");
                    continue;
                }
                String target = SimulatedFilesystem.normalize(base, e.getName());
                if (e.isDirectory()) {
                    io.fs().mkdir(target, true);
                } else if (e.isFile()) {
                    byte[] content = tar.readAllBytes();
                    if (content.length > SimulatedFilesystem.MAX_FILE_BYTES
                            || !io.fs().writeBytes(target, content, false)) {
                        String why = io.fs().isReadOnly(target) ? "Read-only file system" : "No space left on device";
                        io.err().write("tar: can't create '" + e.getName() + "': " + why + "\n");
                        status = 1;
                        continue;
                    }
                } else {
                    continue; // links, devices: not simulated
                }
                verbose(io, e.getName());
            }
        } catch (IllegalArgumentException e) {
            io.err().write("tar: invalid tar magic\n");
            return 1;
        }
        return status;
    }

    private void verbose(TarCommand.Io io, String name) {
        if (verbose && mode != 't') {
            // GNU and busybox print the names of what they pack or unpack to stdout, unless the archive is stdout
            (mode == 'c' && (file == null || file.equals("-")) ? io.err() : io.out()).write(name + "\n");
        }
    }
}
