package io.lrpipeline.logsink;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the sink has made durable: for each consumed partition ({@code topic:partition}) the offset of the next
 * record to read, and for each directory (relative to the log directory, {@code ""} for itself) its newest file
 * and that file's length. Files before a directory's newest one are complete; files after it, or in directories
 * it does not name, were written after this checkpoint.
 */
public record SinkCheckpoint(Map<String, Long> offsets, Map<String, RunDirectory.Position> directories) {
    public static final SinkCheckpoint EMPTY = new SinkCheckpoint(Map.of(), Map.of());

    public SinkCheckpoint {
        offsets = new TreeMap<>(offsets);
        directories = new TreeMap<>(directories);
    }

    public static String partitionKey(String topic, int partition) {
        return topic + ":" + partition;
    }

    /** This checkpoint moved on: {@code newOffsets} and {@code newPositions} replace the entries they name. */
    public SinkCheckpoint advance(Map<String, Long> newOffsets, Map<String, RunDirectory.Position> newPositions) {
        Map<String, Long> offsets = new TreeMap<>(this.offsets);
        offsets.putAll(newOffsets);
        Map<String, RunDirectory.Position> directories = new TreeMap<>(this.directories);
        directories.putAll(newPositions);
        return new SinkCheckpoint(offsets, directories);
    }
}
