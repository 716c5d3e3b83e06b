package io.lrpipeline.logsink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Brings a log directory back to a {@link SinkCheckpoint} after a crash: what was written after it is cut
 * (a torn record with it), so that the records the sink consumes again are written once. Files of other writers
 * (names the sink does not give) are left alone.
 */
final class LogDirRecovery {
    /**
     * Applies {@code checkpoint} to the sink's files in {@code directories} (those {@link #directoriesWithFiles} found
     * under {@code logDir}); returns one line per change made.
     */
    static List<String> apply(Path logDir, List<Path> directories, SinkCheckpoint checkpoint) throws IOException {
        List<String> changes = new ArrayList<>();
        for (Path dir : directories) {
            RunDirectory.Position position = checkpoint.directories().get(logDir.relativize(dir).toString());
            for (Path file : EventFileNames.in(dir)) {
                int order = position == null ? 1 : file.getFileName().toString().compareTo(position.file());
                if (order > 0) {
                    Files.delete(file);
                    changes.add("deleted " + file + ": written after the checkpoint");
                } else if (order == 0) {
                    cut(file, position.length(), changes);
                }
            }
        }
        return changes;
    }

    /** The end of the last whole, valid record of {@code file}: its length unless its tail is torn or corrupt. */
    static long wholeRecordsEnd(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(channel);
            while (reader.next() != null) {
                // read to the end of the whole records
            }
            return reader.position();
        }
    }

    private static void cut(Path file, long checkpointed, List<String> changes) throws IOException {
        long size = Files.size(file);
        long keep = checkpointed;
        if (size < checkpointed) {
            keep = wholeRecordsEnd(file);
            changes.add("%s is %d bytes, shorter than the %d the checkpoint recorded: the disk lost forced writes; kept its %d bytes of whole records"
                    .formatted(file, size, checkpointed, keep));
        }
        if (size > keep) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(keep);
                channel.force(true);
            }
            changes.add("cut %s from %d to %d bytes: written after the checkpoint".formatted(file, size, keep));
        }
    }

    /** Makes the names of the files created in, renamed into or deleted from {@code dir} durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The directories under {@code logDir} holding the sink's event files (not its own {@code .log-sink}). */
    static List<Path> directoriesWithFiles(Path logDir) throws IOException {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        Path home = logDir.resolve(".log-sink");
        try (Stream<Path> paths = Files.walk(logDir)) {
            return paths.filter(Files::isRegularFile).filter(EventFileNames::isSinkFile)
                    .map(Path::getParent).filter(dir -> !dir.startsWith(home)).distinct().sorted().toList();
        }
    }

    private LogDirRecovery() {}
}
