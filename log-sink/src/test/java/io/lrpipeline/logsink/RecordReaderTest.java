package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderTest {
    private static final byte[] FIRST = RecordWriter.frame("first".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] SECOND = RecordWriter.frame("second record".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    @Test
    void readsWholeRecordsAndStopsAtEveryPossibleTornTail() throws Exception {
        byte[] both = concat(FIRST, SECOND);
        for (int cut = 0; cut <= both.length; cut++) {
            Path file = write(Arrays.copyOf(both, cut));

            List<String> read = new ArrayList<>();
            long end;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                RecordReader reader = new RecordReader(channel);
                for (byte[] record = reader.next(); record != null; record = reader.next()) {
                    read.add(new String(record, StandardCharsets.US_ASCII));
                }
                end = reader.position();
            }

            List<String> expected = cut < FIRST.length ? List.of() : cut < both.length ? List.of("first") : List.of("first", "second record");
            assertThat(read).as("cut at %d", cut).isEqualTo(expected);
            assertThat(end).as("cut at %d", cut).isEqualTo(cut < FIRST.length ? 0 : cut < both.length ? FIRST.length : both.length);
            assertThat(LogDirRecovery.wholeRecordsEnd(file)).isEqualTo(end);
        }
    }

    @Test
    void stopsAtACorruptRecord() throws Exception {
        byte[] both = concat(FIRST, SECOND);
        both[FIRST.length + 14] ^= 1; // a byte of the second record's data

        Path file = write(both);

        assertThat(LogDirRecovery.wholeRecordsEnd(file)).isEqualTo(FIRST.length);
    }

    @Test
    void continuesWhereItStoppedOnceTheFileGrows() throws Exception {
        Path file = write(FIRST);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(channel);
            assertThat(reader.next()).isNotNull();
            assertThat(reader.next()).isNull();

            Files.write(file, SECOND, StandardOpenOption.APPEND);

            assertThat(new String(reader.next(), StandardCharsets.US_ASCII)).isEqualTo("second record");
        }
    }

    private Path write(byte[] bytes) throws Exception {
        Path file = dir.resolve("records");
        Files.write(file, bytes);
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
