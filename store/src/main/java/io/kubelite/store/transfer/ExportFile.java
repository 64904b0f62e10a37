package io.kubelite.store.transfer;

import java.util.List;

/**
 * A fully read and validated export: its header, every key in file order, and the
 * trailer whose count and checksum matched.
 */
public record ExportFile(ExportHeader header, List<ExportEntry> entries, ExportTrailer trailer) {
    public ExportFile {
        entries = List.copyOf(entries);
    }

    public long leasedCount() {
        return entries.stream().filter(ExportEntry::leased).count();
    }
}
