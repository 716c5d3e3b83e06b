package io.lrpipeline.logsink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sink's event file names, {@code events.out.tfevents.<unix seconds>.<sequence>.<host>}: TensorBoard reads a
 * directory's files in name order, so within a directory the seconds never go back (a clock that steps back is
 * ignored) and the six-digit sequence grows by one per file, across restarts of the sink.
 */
record EventFileNames(long seconds, int sequence) {
    private static final Pattern NAME = Pattern.compile("events\\.out\\.tfevents\\.(\\d{10,})\\.(\\d{6})\\..+");

    /** The name of the file after this one, created at {@code nowSeconds}. */
    EventFileNames next(long nowSeconds) {
        return new EventFileNames(Math.max(seconds, nowSeconds), sequence + 1);
    }

    String fileName(String host) {
        return "events.out.tfevents.%010d.%06d.%s".formatted(seconds, sequence, host);
    }

    /** Before any file: the first file is sequence 1. */
    static final EventFileNames NONE = new EventFileNames(0, 0);

    static boolean isSinkFile(Path file) {
        return NAME.matcher(file.getFileName().toString()).matches();
    }

    static EventFileNames of(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(file + " is not a log-sink event file");
        }
        return new EventFileNames(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    /** The sink's files directly in {@code dir}, in the order TensorBoard reads them. */
    static List<Path> in(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(EventFileNames::isSinkFile).sorted().toList();
        }
    }
}
