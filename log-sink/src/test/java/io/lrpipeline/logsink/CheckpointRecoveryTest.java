package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash states a flush can leave, made by hand, and what recovery makes of them. */
class CheckpointRecoveryTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private static final FileRotation ROTATION = new FileRotation(Long.MAX_VALUE, Duration.ofDays(1));

    @TempDir
    Path logDir;

    @Test
    void cutsWhatWasWrittenAfterTheCommittedCheckpointTornTailIncluded() throws Exception {
        CheckpointStore store = new CheckpointStore(logDir);
        TensorBoardSink sink = sink();
        rate(sink, 0);
        flush(sink, store, 1);
        rate(sink, 1);
        sink.flush(); // the data of offset 2 is on disk, its checkpoint never was: a crash here
        Path file = TfEventFiles.eventFiles(logDir.resolve("run-1")).get(0);
        Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND); // and a torn record after it

        SinkCheckpoint recovered = store.recover();
        LogDirRecovery.apply(logDir, LogDirRecovery.directoriesWithFiles(logDir), recovered);

        assertThat(recovered.offsets()).containsEntry("lr.events:0", 1L);
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).filteredOn(s -> s.tag().equals("learning rate"))
                .extracting(Scalar::step).containsExactly(0L);
    }

    @Test
    void rollsForwardAPreparedCheckpointWhoseDataReachedTheDisk() throws Exception {
        CheckpointStore store = new CheckpointStore(logDir);
        TensorBoardSink sink = sink();
        rate(sink, 0);
        flush(sink, store, 1);
        rate(sink, 1);
        store.prepare(new CheckpointStore(logDir).recover().advance(Map.of("lr.events:0", 2L), sink.positionsToFlush()));
        sink.flush(); // killed before commit

        SinkCheckpoint recovered = store.recover();
        LogDirRecovery.apply(logDir, LogDirRecovery.directoriesWithFiles(logDir), recovered);

        assertThat(recovered.offsets()).containsEntry("lr.events:0", 2L);
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).filteredOn(s -> s.tag().equals("learning rate"))
                .extracting(Scalar::step).containsExactly(0L, 1L);
    }

    @Test
    void rollsBackAPreparedCheckpointWhoseDataDidNotAllArriveAndDeletesFilesBegunAfterIt() throws Exception {
        CheckpointStore store = new CheckpointStore(logDir);
        TensorBoardSink sink = sink();
        rate(sink, 0);
        flush(sink, store, 1);
        sink.accept(new LearningRateChanged("x", "run-2", 0, 0.01, 1, "", AT));
        rate(sink, 1);
        SinkCheckpoint committed = store.recover();
        store.prepare(committed.advance(Map.of("lr.events:0", 3L), sink.positionsToFlush()));
        // killed before any data was written: run-1's file is short of the prepared length, run-2's is empty

        Files.createDirectories(logDir.resolve("run-2"));
        SinkCheckpoint recovered = store.recover();
        LogDirRecovery.apply(logDir, LogDirRecovery.directoriesWithFiles(logDir), recovered);

        assertThat(recovered.offsets()).containsEntry("lr.events:0", 1L);
        assertThat(TfEventFiles.eventFiles(logDir.resolve("run-2"))).isEmpty();
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).extracting(Scalar::step).containsExactly(0L, 0L);
    }

    private TensorBoardSink sink() {
        return new TensorBoardSink(logDir, "host", ROTATION, Clock.fixed(AT, ZoneOffset.UTC));
    }

    private static void rate(TensorBoardSink sink, int epoch) throws Exception {
        sink.accept(new LearningRateChanged("e" + epoch, "run-1", epoch, 0.01, 1, "", AT));
    }

    /** What the sink's loop does, for offset {@code next} of partition lr.events:0. */
    private void flush(TensorBoardSink sink, CheckpointStore store, long next) throws Exception {
        SinkCheckpoint current = store.exists() ? store.recover() : SinkCheckpoint.EMPTY;
        store.prepare(current.advance(Map.of("lr.events:0", next), sink.positionsToFlush()));
        sink.flush();
        store.commit();
    }
}
