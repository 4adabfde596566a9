package io.buildchain.core.store;

import io.buildchain.core.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small state files of space-separated fields, one record per line, written atomically. */
public final class TextRecords {
    private TextRecords() {
    }

    /** The records of {@code file} (none if it does not exist); each must have {@code layout}'s field count. */
    public static List<String[]> read(Path file, String layout) throws IOException {
        List<String[]> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        int fields = layout.split(" ").length;
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] record = lines[i].trim().split(" ");
            if (record.length != fields) {
                throw new FormatException(file + ":" + (i + 1) + ": expected '" + layout + "'");
            }
            records.add(record);
        }
        return records;
    }

    public static void write(Path file, List<String[]> records, Set<PosixFilePermission> mode) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String[] record : records) {
            text.append(String.join(" ", record)).append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), mode, true);
    }
}
