package io.kubelite.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An append-only log file rotated as kube-apiserver's audit log is (its lumberjack logger):
 * when a write would take it past {@code maxBytes}, the file is renamed to
 * {@code <name>-<UTC time as 2006-01-02T15-04-05.000><ext>} and a new one begun; then backups
 * beyond {@code maxBackups} (0: keep all) and older than {@code maxAge} (zero: keep) are removed.
 * New files are created 0600: an audit log says who did what. Not thread-safe: one writer.
 */
final class RotatingFile implements AutoCloseable {
    private static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");

    private final Path file;
    private final long maxBytes;
    private final int maxBackups;
    private final Duration maxAge;
    private final Clock clock;
    private final String prefix;
    private final String ext;
    private OutputStream out;
    private long size;

    RotatingFile(Path file, long maxBytes, int maxBackups, Duration maxAge, Clock clock) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.maxBackups = maxBackups;
        this.maxAge = maxAge;
        this.clock = clock;
        String name = this.file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.prefix = (dot > 0 ? name.substring(0, dot) : name) + "-";
        this.ext = dot > 0 ? name.substring(dot) : "";
    }

    /** Appends {@code bytes} (one whole line), rotating first when they would not fit. */
    void write(byte[] bytes) throws IOException {
        if (out == null) {
            open(bytes.length);
        } else if (size + bytes.length > maxBytes && size > 0) {
            rotate();
        }
        out.write(bytes);
        size += bytes.length;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    private void open(int next) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            size = Files.size(file);
            if (size + next > maxBytes && size > 0) {
                rotate();
                return;
            }
            out = Files.newOutputStream(file, StandardOpenOption.APPEND);
            return;
        }
        create();
    }

    private void create() throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        out = Files.newOutputStream(file, StandardOpenOption.APPEND);
        size = 0;
    }

    private void rotate() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
        Instant at = clock.instant();
        Path backup = backupPath(at);
        while (Files.exists(backup)) { // two rotations within a millisecond
            at = at.plusMillis(1);
            backup = backupPath(at);
        }
        Files.move(file, backup);
        create();
        removeOldBackups();
    }

    private Path backupPath(Instant at) {
        return file.resolveSibling(
                prefix + LocalDateTime.ofInstant(at, ZoneOffset.UTC).format(BACKUP_TIME) + ext);
    }

    /** A rotated-out file and the time in its name (when it was rotated). */
    record Backup(Path path, Instant time) {}

    /** The backups, newest first. */
    List<Backup> backups() throws IOException {
        List<Backup> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(file.getParent(), prefix + "*" + ext)) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                if (n.length() <= prefix.length() + ext.length()) {
                    continue;
                }
                String stamp = n.substring(prefix.length(), n.length() - ext.length());
                try {
                    found.add(new Backup(
                            p, LocalDateTime.parse(stamp, BACKUP_TIME).toInstant(ZoneOffset.UTC)));
                } catch (DateTimeParseException e) {
                    // not one of ours
                }
            }
        }
        return found.stream()
                .sorted(Comparator.comparing(Backup::time).reversed())
                .toList();
    }

    private void removeOldBackups() throws IOException {
        List<Backup> backups = backups();
        Instant cutoff = maxAge.isZero() ? null : clock.instant().minus(maxAge);
        for (int i = 0; i < backups.size(); i++) {
            Backup b = backups.get(i);
            boolean tooMany = maxBackups > 0 && i >= maxBackups;
            boolean tooOld = cutoff != null && b.time().isBefore(cutoff);
            if (tooMany || tooOld) {
                Files.deleteIfExists(b.path());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
