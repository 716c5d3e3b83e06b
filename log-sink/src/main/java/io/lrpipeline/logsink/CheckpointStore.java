package io.lrpipeline.logsink;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Keeps the {@link SinkCheckpoint} in {@code <logdir>/.log-sink/} with the files it describes, in two steps around
 * each flush: {@link #prepare} writes where the files will end ({@code checkpoint.next}, forced to disk) before
 * they are written, {@link #commit} renames it over {@code checkpoint.json} once they are durable. After a crash,
 * {@link #recover} takes the prepared checkpoint if every file it names reached its length in whole records
 * (the crash came after the data), and the committed one otherwise.
 */
public final class CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path logDir;
    private final Path committed;
    private final Path prepared;

    public CheckpointStore(Path logDir) {
        this.logDir = logDir;
        Path home = logDir.resolve(".log-sink");
        this.committed = home.resolve("checkpoint.json");
        this.prepared = home.resolve("checkpoint.next");
    }

    /** Whether the log directory already holds a checkpoint, i.e. a sink has written here before. */
    public boolean exists() {
        return Files.exists(committed) || Files.exists(prepared);
    }

    /** The checkpoint the files on disk agree with; {@link SinkCheckpoint#EMPTY} for a new log directory. */
    public SinkCheckpoint recover() throws IOException {
        SinkCheckpoint current = Files.exists(committed) ? read(committed) : SinkCheckpoint.EMPTY;
        if (Files.exists(prepared)) {
            SinkCheckpoint next = readOrNull(prepared);
            if (next != null && reached(next)) {
                current = next;
                write(committed, next);
            }
            Files.delete(prepared);
        }
        return current;
    }

    public void prepare(SinkCheckpoint checkpoint) throws IOException {
        write(prepared, checkpoint);
    }

    public void commit() throws IOException {
        Files.move(prepared, committed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogDirRecovery.forceDirectory(committed.getParent());
    }

    private boolean reached(SinkCheckpoint checkpoint) throws IOException {
        for (Map.Entry<String, RunDirectory.Position> entry : checkpoint.directories().entrySet()) {
            Path file = logDir.resolve(entry.getKey()).resolve(entry.getValue().file());
            if (!Files.exists(file) || LogDirRecovery.wholeRecordsEnd(file) < entry.getValue().length()) {
                return false;
            }
        }
        return true;
    }

    private void write(Path target, SinkCheckpoint checkpoint) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(checkpoint));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogDirRecovery.forceDirectory(target.getParent());
    }

    private static SinkCheckpoint read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SinkCheckpoint.class);
    }

    /** A prepared checkpoint is written whole or not at all (temporary file and rename), but be safe. */
    private static SinkCheckpoint readOrNull(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            return null;
        }
    }
}
