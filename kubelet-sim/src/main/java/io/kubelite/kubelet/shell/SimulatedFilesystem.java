package io.kubelite.kubelet.shell;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A container's files, in memory: regular files (bytes; text is UTF-8) and directories.
 * Starts with the usual top-level directories ({@code /tmp}, {@code /etc}, ...). Writing a
 * file creates its missing parent directories (lenient, unlike a real kernel). Bounded:
 * at most {@link #MAX_FILES} files and {@link #MAX_FILE_BYTES} bytes per file, so a
 * runaway script cannot exhaust the simulator's heap. Thread-safe.
 */
public final class SimulatedFilesystem {
    public static final int MAX_FILES = 1000;
    /** Per file: enough for {@code kubectl cp} of a config file or a small binary. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private static final List<String> INITIAL_DIRS = List.of(
            "/",
            "/bin",
            "/dev",
            "/etc",
            "/home",
            "/proc",
            "/root",
            "/run",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/share",
            "/var",
            "/var/log",
            "/var/run",
            "/app",
            "/data");

    /** Shared, immutable: most containers never create or remove a directory. */
    private static final Set<String> INITIAL = Collections.unmodifiableSet(new TreeSet<>(INITIAL_DIRS));

    /** Path → content: a {@code byte[]}, or the {@link GeneratedFile} that makes it on each read. */
    private FileTable files = new FileTable();
    /** The content of every empty file: an empty array is never written into. */
    private static final byte[] EMPTY = new byte[0];
    /**
     * A file's content made when it is read, from what its owner holds anyway (a pod's IP and
     * name): kubelet-sim keeps the files the kubelet writes into every container (/etc/hosts,
     * /etc/hostname) this way rather than as one array per container. Must return equal bytes on
     * every call; the caller may keep or change the array returned.
     */
    @FunctionalInterface
    public interface GeneratedFile {
        byte[] bytes();
    }

    /** Only {@code /}: a volume's tree starts with it. */
    private static final Set<String> ROOT_ONLY = Set.of("/");

    /** {@link #INITIAL} and this container's changes to it. */
    private DirectorySet dirs = new DirectorySet(INITIAL);

    /** A volume mounted over {@code path}: paths under it live in {@code volume} under {@code root}. */
    private record Mount(String path, SimulatedFilesystem volume, String root, boolean readOnly) {}

    /** Longest mount path first, so that nested mounts win. */
    private final List<Mount> mounts = new ArrayList<>();

    /** {@code readOnlyRootFilesystem}: only mounts (and {@code /dev}, a tmpfs) can be written. */
    private boolean readOnlyRoot;

    /** The most bytes this tree's files may hold (a sized tmpfs); 0: no limit but the per-file one. */
    private long limitBytes;

    public SimulatedFilesystem() {
        files.put("/etc/hostname", EMPTY);
    }

    /** This tree's own file at {@code path} (mounts not consulted), a generated one made now; null if none. */
    private byte[] own(String path) {
        return content(files.get(path));
    }

    /** A value of {@link #files} as bytes: the stored array itself, or freshly made. */
    private static byte[] content(Object value) {
        return value instanceof GeneratedFile g ? g.bytes() : (byte[]) value;
    }

    private SimulatedFilesystem(boolean bare) {
        dirs = new DirectorySet(ROOT_ONLY);
    }

    /** An empty tree (only {@code /}): a volume's content. */
    public static SimulatedFilesystem empty() {
        return new SimulatedFilesystem(true);
    }

    /**
     * Mounts {@code root} of {@code volume} (a directory, or a file for a subPath mount of one) over
     * {@code path}: what is under {@code path} is read and written there from now on; with
     * {@code readOnly} writes fail ({@link #isReadOnly}).
     */
    public synchronized void mount(String path, SimulatedFilesystem volume, String root, boolean readOnly) {
        mounts.add(new Mount(path, volume, root, readOnly));
        mounts.sort((a, b) -> b.path().length() - a.path().length());
        // the directories leading to it are answered from the mount table (isMountAncestor), not
        // added to this tree: most containers then keep sharing the initial directory set
    }

    /** True when a mount lies below {@code path}: it is a directory, if only to lead to the mount. */
    private boolean isMountAncestor(String path) {
        String prefix = path.equals("/") ? "/" : path + "/";
        for (Mount m : mounts) {
            if (m.path().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The mount {@code path} is under, or null. */
    private Mount mountOf(String path) {
        for (Mount m : mounts) {
            if (path.equals(m.path()) || m.path().equals("/") || path.startsWith(m.path() + "/")) {
                return m;
            }
        }
        return null;
    }

    private static String inVolume(Mount m, String path) {
        String rest = path.substring(m.path().length());
        return normalize("/", m.root() + "/" + rest);
    }

    /**
     * Replaces the whole content of this (volume) tree with {@code content} (volume-relative path →
     * bytes) at once, as the kubelet's atomic writer swaps a volume's files: readers see the old
     * files or the new ones, never a mix. Content equal to what the tree holds changes nothing, and
     * files whose bytes are unchanged keep the array they hold.
     *
     * @return false when the tree already held exactly {@code content}
     */
    public synchronized boolean replaceAll(Map<String, byte[]> content) {
        if (holdsExactly(content)) {
            // As the kubelet's atomic writer leaves a volume whose data did not change alone: every
            // running pod's projected volumes are synced each minute, and files renewed each time
            // lived just long enough to be promoted, then died in the old generation.
            return false;
        }
        FileTable next = new FileTable();
        dirs = new DirectorySet(ROOT_ONLY);
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            String path = normalize("/", e.getKey());
            byte[] value = e.getValue();
            // interned: every pod's volume holds the same few paths (token, ca.crt, namespace)
            next.put(path.intern(), files.get(path) instanceof byte[] b && Arrays.equals(b, value) ? b : value.clone());
            addParents(path);
        }
        files = next;
        return true;
    }

    /** True when this tree's own files are exactly {@code content} (volume-relative path → bytes). */
    private boolean holdsExactly(Map<String, byte[]> content) {
        if (content.size() != files.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            if (!(files.get(normalize("/", e.getKey())) instanceof byte[] held) || !Arrays.equals(held, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The bytes this tree's own files hold (mounted volumes not included): what du counts. */
    public synchronized long usedBytes() {
        long[] n = {0};
        files.forEach((path, v) -> n[0] += content(v).length);
        return n[0];
    }

    /** Caps what this tree's files may hold, as a tmpfs's size does: writes past it fail. */
    public synchronized void limitBytes(long max) {
        this.limitBytes = max;
    }

    /** A copy of this tree as it is now (mounts not included): what a subPath mount of a projected volume sees. */
    public synchronized SimulatedFilesystem snapshot() {
        SimulatedFilesystem copy = empty();
        copy.dirs = dirs.copy();
        files.forEach((k, v) -> copy.files.put(k, v instanceof GeneratedFile g ? g.bytes() : ((byte[]) v).clone()));
        return copy;
    }

    /**
     * Mounts the container's own tree read-only, as {@code readOnlyRootFilesystem: true} does:
     * from now on only its writable volume mounts and {@code /dev} (a tmpfs in every container)
     * take writes.
     */
    public synchronized void makeRootReadOnly() {
        readOnlyRoot = true;
    }

    /**
     * True when {@code path} is on a read-only mount, or on a read-only root filesystem outside
     * any mount: writing, creating or removing there fails ("Read-only file system").
     */
    public synchronized boolean isReadOnly(String path) {
        Mount m = mountOf(path);
        return m != null ? m.readOnly() : rootReadOnlyAt(path);
    }

    private boolean rootReadOnlyAt(String path) {
        return readOnlyRoot && !path.equals("/dev") && !path.startsWith("/dev/");
    }

    /** An absolute, normalised path ({@code .} and {@code ..} resolved) for {@code path} seen from {@code cwd}. */
    public static String normalize(String cwd, String path) {
        String p = path.startsWith("/") ? path : (cwd.endsWith("/") ? cwd : cwd + "/") + path;
        List<String> out = new ArrayList<>();
        for (String seg : p.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(seg);
            }
        }
        return "/" + String.join("/", out);
    }

    public synchronized boolean exists(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().exists(inVolume(m, path));
        }
        return files.containsKey(path) || dirs.contains(path) || isMountAncestor(path);
    }

    public synchronized boolean isFile(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().isFile(inVolume(m, path));
        }
        return files.containsKey(path);
    }

    public synchronized boolean isDirectory(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().isDirectory(inVolume(m, path));
        }
        return dirs.contains(path) || isMountAncestor(path);
    }

    /** The file's content as UTF-8 text, or null if it is not a regular file. */
    public synchronized String read(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().read(inVolume(m, path));
        }
        byte[] b = own(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The file's bytes (a copy), or null if it is not a regular file. */
    public synchronized byte[] readBytes(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().readBytes(inVolume(m, path));
        }
        Object v = files.get(path);
        if (v instanceof GeneratedFile g) {
            return g.bytes(); // made for this call: no copy needed
        }
        return v == null ? null : ((byte[]) v).clone();
    }

    /** The file's size in bytes, or -1 if it is not a regular file. */
    public synchronized long size(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().size(inVolume(m, path));
        }
        byte[] b = own(path);
        return b == null ? -1 : b.length;
    }

    /** Writes (or appends to) a file as UTF-8; false if the path is a directory or the filesystem is full. */
    public synchronized boolean write(String path, String content, boolean append) {
        return writeBytes(path, content.getBytes(StandardCharsets.UTF_8), append);
    }

    /**
     * Writes (or appends) bytes; false if the path is a directory or the filesystem is full.
     * A file over {@link #MAX_FILE_BYTES} keeps its last bytes, as a log rotated in place.
     */
    public synchronized boolean writeBytes(String path, byte[] content, boolean append) {
        return write(path, content, append, false);
    }

    /**
     * Writes {@code content} as the whole file without copying it: for what many containers hold
     * alike (an image's pages, a namespace's resolv.conf), one array serves them all. The caller
     * never changes {@code content}; this tree never changes a file's array in place either (a
     * write stores a new one).
     */
    public synchronized boolean writeShared(String path, byte[] content) {
        return write(path, content, false, true);
    }

    /**
     * Makes {@code path} a file of this tree whose content {@code maker} produces on each read, as
     * long as nothing writes over it (a write or append stores the bytes from then on). Written
     * through a mount, the bytes are made once and stored there. False where {@link #writeBytes}
     * would fail.
     */
    public synchronized boolean writeGenerated(String path, GeneratedFile maker) {
        Mount m = mountOf(path);
        if (m != null) {
            return !m.readOnly() && m.volume().writeShared(inVolume(m, path), maker.bytes());
        }
        if (dirs.contains(path) || rootReadOnlyAt(path)) {
            return false;
        }
        if (!files.containsKey(path) && files.size() >= MAX_FILES) {
            return false;
        }
        byte[] existing = own(path);
        if (limitBytes > 0
                && usedBytes() - (existing == null ? 0 : existing.length) + maker.bytes().length > limitBytes) {
            return false;
        }
        files.put(path.intern(), maker);
        addParents(path);
        return true;
    }

    private boolean write(String path, byte[] content, boolean append, boolean shared) {
        Mount m = mountOf(path);
        if (m != null) {
            return !m.readOnly()
                    && (shared
                            ? m.volume().writeShared(inVolume(m, path), content)
                            : m.volume().writeBytes(inVolume(m, path), content, append));
        }
        if (dirs.contains(path) || rootReadOnlyAt(path)) {
            return false;
        }
        if (!files.containsKey(path) && files.size() >= MAX_FILES) {
            return false;
        }
        byte[] existing = own(path);
        byte[] old = append && existing != null ? existing : new byte[0];
        byte[] v;
        if (content.length == 0 && old.length == 0) {
            v = EMPTY; // touched files (many per node): one array for all
        } else if (old.length == 0) {
            v = shared ? content : content.clone();
        } else {
            v = Arrays.copyOf(old, old.length + content.length);
            System.arraycopy(content, 0, v, old.length, content.length);
        }
        if (v.length > MAX_FILE_BYTES) {
            v = Arrays.copyOfRange(v, v.length - MAX_FILE_BYTES, v.length);
        }
        if (limitBytes > 0 && usedBytes() - (existing == null ? 0 : existing.length) + v.length > limitBytes) {
            return false; // ENOSPC, as a full tmpfs answers
        }
        // interned: the same paths are written in many containers (a touched /tmp/x, /etc/hosts)
        files.put(path.intern(), v);
        addParents(path);
        return true;
    }

    /** Creates an empty file if absent; false if the path is a directory's parent problem or full. */
    public synchronized boolean touch(String path) {
        Mount m = mountOf(path);
        if (m != null) {
            return m.volume().exists(inVolume(m, path))
                    || (!m.readOnly() && m.volume().touch(inVolume(m, path)));
        }
        if (files.containsKey(path) || dirs.contains(path)) {
            return true;
        }
        return writeBytes(path, new byte[0], false);
    }

    /** Removes a file, or a directory when {@code recursive}; false when nothing was there to remove. */
    public synchronized boolean remove(String path, boolean recursive) {
        Mount m = mountOf(path);
        if (m != null) {
            return !m.readOnly() && !path.equals(m.path()) && m.volume().remove(inVolume(m, path), recursive);
        }
        if (rootReadOnlyAt(path)) {
            return false;
        }
        if (files.remove(path) != null) {
            return true;
        }
        if (dirs.contains(path) && recursive && !path.equals("/")) {
            String prefix = path + "/";
            files.removeIf(f -> f.startsWith(prefix));
            dirs.removeIf(d -> d.equals(path) || d.startsWith(prefix));
            return true;
        }
        return false;
    }

    public synchronized boolean mkdir(String path, boolean parents) {
        Mount m = mountOf(path);
        if (m != null) {
            if (m.volume().isDirectory(inVolume(m, path))) {
                return parents;
            }
            return !m.readOnly() && m.volume().mkdir(inVolume(m, path), parents);
        }
        if (files.containsKey(path)) {
            return false;
        }
        if (dirs.contains(path) || isMountAncestor(path)) {
            return parents;
        }
        String parent = parent(path);
        if (rootReadOnlyAt(path) || (!parents && !dirs.contains(parent) && !isMountAncestor(parent))) {
            return false;
        }
        dirs.add(path);
        addParents(path);
        return true;
    }

    /** Names directly inside a directory, sorted; null if it is not a directory. */
    public synchronized List<String> list(String dir) {
        Mount m = mountOf(dir);
        if (m != null) {
            return m.volume().list(inVolume(m, dir));
        }
        if (!dirs.contains(dir) && !isMountAncestor(dir)) {
            return null;
        }
        String prefix = dir.equals("/") ? "/" : dir + "/";
        Set<String> names = new TreeSet<>();
        for (Mount mt : mounts) {
            if (mt.path().startsWith(prefix)) {
                String rest = mt.path().substring(prefix.length());
                int slash = rest.indexOf('/');
                names.add(slash < 0 ? rest : rest.substring(0, slash));
            }
        }
        files.forEach((f, v) -> {
            if (f.startsWith(prefix) && f.indexOf('/', prefix.length()) < 0) {
                names.add(f.substring(prefix.length()));
            }
        });
        for (String d : dirs.all()) {
            if (!d.equals(dir) && d.startsWith(prefix) && d.indexOf('/', prefix.length()) < 0) {
                names.add(d.substring(prefix.length()));
            }
        }
        return new ArrayList<>(names);
    }

    private void addParents(String path) {
        String p = parent(path);
        while (!dirs.contains(p)) {
            dirs.add(p);
            p = parent(p);
        }
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }
}
