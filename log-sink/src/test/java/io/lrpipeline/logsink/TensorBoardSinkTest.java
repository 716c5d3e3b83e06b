package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.logsink.TfEventFiles.Point;
import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardSinkTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private static final FileRotation NO_ROTATION = new FileRotation(Long.MAX_VALUE, Duration.ofDays(365));

    @TempDir
    Path logDir;

    /**
     * Every tag of the README's table, in the directory the table gives, read with the rules of TensorBoard's default
     * loader (the Rust data server: rank-0 DT_FLOAT, scalars metadata on the first value of each tag in each file; see
     * {@link TfEventFiles}): each scalar is there, at its step, as {@code (float)} of the value on the topic.
     */
    @Test
    void writesEveryTagOfTheReadmeTableAsTensorBoardsDefaultLoaderReadsIt() throws Exception {
        ScheduleChange created = new ScheduleChange(1, "", "create", "scheduler", "first worker joined", AT, 0, 0, "inception-v4");
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(new WorkerJoined("run-1", "worker-0", 1, 4, 0, 0, Map.of("optimizer", "RMSProp"), AT));
            sink.accept(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "step-decay", AT));
            sink.accept(new LearningRateChanged("e1", "run-1", 1, 0.0423, 2, "step-decay", AT));
            sink.accept(state(List.of(created)));
            sink.accept(CommandRejected.of("c-8", "run-1", true, "{}", "type is missing", AT), 0, 3);
            sink.accept(CommandRejected.of(null, null, false, "{not json", "not JSON", AT), 1, 4);
            sink.accept(new EpochStarted("run-1", "worker-0", 0, 0.045, 1, RateSource.SCHEDULER, "e0", 0, AT));
            sink.accept(new IterationCompleted("run-1", "worker-0", 0, 1, 2.302585092994046, AT));
            sink.accept(new IterationCompleted("run-1", "worker-0", 0, 2, 2.2, AT));
            sink.accept(new EpochEnded("run-1", "worker-0", 0, 2, 2.25, new Evaluation(2.5, 0.3, 0.7, 100), 6.7, 0.045, AT));
            sink.accept(new EpochStarted("run-1", "worker-0", 1, 0.0423, 2, RateSource.SCHEDULER, "e1", 2, AT));
            sink.accept(new EpochEnded("run-1", "worker-0", 1, 4, 2.0, null, 6.5, 0.0423, AT));
            sink.accept(new WorkerFinished("run-1", "worker-0", 2, new Evaluation(1.75, 0.4, 0.8, 200), AT));
        }

        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1")))
                .extracting(Scalar::tag, Scalar::step, Scalar::value)
                .containsExactly(tuple("learning rate", 0L, (double) 0.045f), tuple("lr/schedule_version", 0L, 1.0),
                        tuple("learning rate", 1L, (double) 0.0423f), tuple("lr/schedule_version", 1L, 2.0));
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1/worker-0")))
                .extracting(Scalar::tag, Scalar::step, Scalar::value)
                .containsExactly(tuple("lr/applied", 0L, (double) 0.045f), tuple("lr/applied_schedule_version", 0L, 1.0),
                        tuple("loss", 0L, 2.25), tuple("validation/loss", 0L, 2.5), tuple("validation/accuracy", 0L, (double) 0.3f),
                        tuple("validation/top5_accuracy", 0L, (double) 0.7f), tuple("throughput/images_per_sec", 0L, (double) 6.7f),
                        tuple("lr/applied", 1L, (double) 0.0423f), tuple("lr/applied_schedule_version", 1L, 2.0),
                        tuple("loss", 1L, 2.0), tuple("throughput/images_per_sec", 1L, 6.5),
                        tuple("test/loss", 2L, 1.75), tuple("test/accuracy", 2L, (double) 0.4f), tuple("test/top5_accuracy", 2L, (double) 0.8f));
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1/worker-0/iterations")))
                .extracting(Scalar::tag, Scalar::step, Scalar::value)
                .containsExactly(tuple("loss/iteration", 1L, (double) 2.302585092994046f), tuple("loss/iteration", 2L, (double) 2.2f));
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1"))).extracting(Point::tag, Point::step)
                .contains(tuple("_hparams_/session_start_info", 0L), tuple("schedule/changes", 1L), tuple("commands/rejected", 3L));
        assertThat(TfEventFiles.readPointsIn(logDir)).extracting(Point::tag, Point::step)
                .containsExactly(tuple("commands/rejected/partition-1", 4L));
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1/worker-0"))).extracting(Point::tag, Point::step)
                .contains(tuple("START", 0L));
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1/worker-0/iterations"))).extracting(Point::tag, Point::step)
                .contains(tuple("START", 1L));
    }

    @Test
    void skipsRedeliveredAndLatePointsOncePerSession() throws Exception {
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            LearningRateChanged epoch2 = new LearningRateChanged("e2", "run-1", 2, 0.0423, 1, "", AT);
            sink.accept(epoch2);
            sink.accept(epoch2);
            sink.accept(new LearningRateChanged("e1", "run-1", 1, 0.0423, 1, "", AT));

            assertThat(sink.skipped()).isEqualTo(4);
        }

        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).filteredOn(s -> s.tag().equals("learning rate"))
                .extracting(Scalar::step).containsExactly(2L);
    }

    @Test
    void aRestartedWorkerGetsASessionStartAtItsResumePointAndItsNewPointsReplaceTheOldOnes() throws Exception {
        Instant restart = AT.plusSeconds(60);
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(joined(0, 0, AT));
            for (int epoch = 0; epoch < 3; epoch++) {
                sink.accept(new EpochEnded("run-1", "w0", epoch, 10, 1.0 + epoch, null, 5, 0.045, AT));
                sink.accept(new IterationCompleted("run-1", "w0", epoch, 10L * epoch + 10, 1.0 + epoch, AT));
            }
            WorkerJoined resumed = joined(1, 10, restart);
            sink.accept(resumed);
            sink.accept(resumed); // delivered twice
            sink.accept(new EpochEnded("run-1", "w0", 1, 10, 9.0, null, 5, 0.045, restart));
            sink.accept(new IterationCompleted("run-1", "w0", 1, 20, 9.0, restart));
        }

        Path worker = logDir.resolve("run-1/w0");
        assertThat(TfEventFiles.readPointsIn(worker)).filteredOn(p -> p.tag().equals("START"))
                .extracting(Point::step).containsExactly(0L, 1L);
        assertThat(TfEventFiles.tensorBoardView(worker)).filteredOn(p -> p.tag().equals("loss"))
                .extracting(Point::step, Point::value).containsExactly(tuple(0L, "1.0"), tuple(1L, "9.0"));
        assertThat(TfEventFiles.tensorBoardView(worker.resolve("iterations")))
                .extracting(Point::step, Point::value).containsExactly(tuple(10L, "1.0"), tuple(20L, "9.0"));
    }

    @Test
    void writesTheRunsHyperParametersOnceFromTheFirstWorkerThatJoins() throws Exception {
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(new WorkerJoined("run-1", "w0", 2, 4, 0, 0,
                    Map.of("optimizer", "RMSProp", "batch_size", 16, "model_width", 0.125, "shuffle", true), AT));
            sink.accept(new WorkerJoined("run-1", "w1", 2, 4, 0, 0, Map.of("optimizer", "SGD"), AT));
        }

        assertThat(TfEventFiles.hyperParametersIn(logDir.resolve("run-1"))).containsExactly(Map.of(
                "optimizer", "RMSProp", "batch_size", 16.0, "model_width", 0.125, "shuffle", true, "(group_name)", "run-1"));
    }

    @Test
    void writesScheduleChangesAndRejectedCommandsAsText() throws Exception {
        ScheduleChange created = new ScheduleChange(1, "", "create", "scheduler", "first worker joined", AT, 0, 0, "inception-v4");
        ScheduleChange override = new ScheduleChange(2, "c-7", "override", "alice", "loss spiked", AT.plusSeconds(5), 3, 4, "constant 0.01");
        ScheduleChange notice = new ScheduleChange(2, "", "notice", "scheduler", "w1 lost", AT.plusSeconds(6), null, 4, "w1 lost");
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(state(List.of(created)));
            sink.accept(state(List.of(created, override, notice)));
            sink.accept(CommandRejected.of("c-8", "run-1", true, "{\"type\":\"override\"}", "learningRate is missing", AT), 1, 41);
            sink.accept(CommandRejected.of(null, null, false, "{not json", "not JSON", AT), 2, 7);
        }

        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1"))).extracting(Point::tag, Point::step).containsExactly(
                tuple("schedule/changes", 1L), tuple("schedule/changes", 2L), tuple("commands/rejected", 41L));
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1")).get(1).value())
                .isEqualTo("**v2 · override** by alice, from epoch 4 (asked for 3): constant 0.01\n\n> loss spiked");
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1")).get(2).value())
                .contains("`c-8`", "learningRate is missing", "{\"type\":\"override\"}");
        assertThat(TfEventFiles.readPointsIn(logDir)).extracting(Point::tag, Point::step)
                .containsExactly(tuple("commands/rejected/partition-2", 7L));
    }

    @Test
    void rotatesBySizeAndByAgeWithoutLosingOrRepeatingAPoint() throws Exception {
        MovingClock clock = new MovingClock();
        try (TensorBoardSink sink = new TensorBoardSink(logDir, "host", new FileRotation(2_000, Duration.ofMinutes(10)), clock)) {
            for (int epoch = 0; epoch < 100; epoch++) {
                sink.accept(new LearningRateChanged("e" + epoch, "run-1", epoch, 0.01, 1, "", AT));
                if (epoch == 90) {
                    sink.flush();
                    clock.now = clock.now.plus(Duration.ofMinutes(11));
                    sink.flush();
                }
            }
        }

        List<Path> files = TfEventFiles.eventFiles(logDir.resolve("run-1"));
        assertThat(files).hasSizeGreaterThan(5);
        for (Path file : files) {
            assertThat(TfEventFiles.readEvents(file).get(0).getFileVersion()).isEqualTo("brain.Event:2");
            assertThat(TfEventFiles.readScalars(file).get(0).pluginMetadata()).isTrue();
        }
        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).filteredOn(s -> s.tag().equals("learning rate"))
                .extracting(Scalar::step).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 100).boxed().toList());
    }

    @Test
    void aNewSinkOverTheSameDirectoryKnowsWhatItHolds() throws Exception {
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));
            sink.accept(joined(0, 0, AT));
        }
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));
            sink.accept(joined(0, 0, AT));
            sink.accept(new LearningRateChanged("e1", "run-1", 1, 0.0423, 1, "", AT));
        }

        assertThat(TfEventFiles.readScalarsIn(logDir.resolve("run-1"))).filteredOn(s -> s.tag().equals("learning rate"))
                .extracting(Scalar::step).containsExactly(0L, 1L);
        assertThat(TfEventFiles.readPointsIn(logDir.resolve("run-1/w0"))).extracting(Point::tag).containsExactly("START");
        assertThat(TfEventFiles.hyperParametersIn(logDir.resolve("run-1"))).hasSize(1);
    }

    @Test
    void keepsTheHostNameOfFileNamesToSafeCharacters() {
        assertThat(TensorBoardSink.safe("build/host 1")).isEqualTo("build_host_1");
        assertThat(TensorBoardSink.safe("node-7.example.org")).isEqualTo("node-7.example.org");
    }

    @Test
    void aRejectedCommandForAnUnknownRunCreatesNoDirectory() throws Exception {
        try (TensorBoardSink sink = sink(NO_ROTATION)) {
            sink.accept(CommandRejected.of("c-1", "../../etc", false, "{}", "unknown run '../../etc'", AT), 0, 5);
            sink.accept(CommandRejected.of("c-2", "nobody", false, "{}", "unknown run 'nobody'", AT), 0, 6);
        }

        try (Stream<Path> entries = Files.list(logDir)) {
            assertThat(entries.filter(Files::isDirectory)).isEmpty();
        }
        assertThat(TfEventFiles.readPointsIn(logDir)).extracting(Point::tag, Point::step)
                .containsExactly(tuple("commands/rejected/partition-0", 5L), tuple("commands/rejected/partition-0", 6L));
        assertThat(logDir.getParent().resolve("etc")).doesNotExist();
    }

    private TensorBoardSink sink(FileRotation rotation) {
        return new TensorBoardSink(logDir, "host", rotation, Clock.fixed(AT, ZoneOffset.UTC));
    }

    private static WorkerJoined joined(int startEpoch, long startIteration, Instant at) {
        return new WorkerJoined("run-1", "w0", 1, 4, startEpoch, startIteration, Map.of(), at);
    }

    private static RunState state(List<ScheduleChange> history) {
        return new RunState("run-1", history.size(), SchedulePlan.of(Presets.named(Presets.INCEPTION_V4)), 1, 4, Map.of(),
                new TreeMap<>(), new TreeMap<>(), history, List.of(), AT);
    }

    private static final class MovingClock extends Clock {
        Instant now = AT;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
