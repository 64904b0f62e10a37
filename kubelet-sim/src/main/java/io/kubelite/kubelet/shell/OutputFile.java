package io.kubelite.kubelet.shell;

/** Why a command could not create or write a file in the container, in the words of {@code strerror}. */
final class OutputFile {
    private OutputFile() {}

    /** Null when {@code path} (absolute) can be written, else the reason. */
    static String cannotCreate(SimulatedFilesystem fs, String path) {
        int slash = path.lastIndexOf('/');
        String parent = slash <= 0 ? "/" : path.substring(0, slash);
        if (!fs.isDirectory(parent)) {
            return fs.exists(parent) ? "Not a directory" : "No such file or directory";
        }
        if (fs.isDirectory(path)) {
            return "Is a directory";
        }
        if (fs.isReadOnly(path)) {
            return "Read-only file system";
        }
        return null;
    }

    /** Writes {@code bytes}; null when written, else the reason. */
    static String write(SimulatedFilesystem fs, String path, byte[] bytes, boolean append) {
        String why = cannotCreate(fs, path);
        if (why != null) {
            return why;
        }
        return fs.writeBytes(path, bytes, append) ? null : "No space left on device";
    }
}
