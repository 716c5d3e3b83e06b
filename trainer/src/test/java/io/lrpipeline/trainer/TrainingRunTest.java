package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.Schedule;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    private RecordingModel model = new RecordingModel(1);
    private final List<TrainingMetric> metrics = new ArrayList<>();
    private final LearningRateBoard board = new LearningRateBoard("run-1", Presets.named(Presets.INCEPTION_V4));

    @Test
    void appliesEachEpochsRateBeforeItsFirstIterationAndOnlyWhenItChanges() throws Exception {
        Schedule seed = Presets.named(Presets.KERAS_STEP_DECAY).schedule();
        for (int epoch = 0; epoch < 4; epoch++) {
            board.offer(new LearningRateChanged("e" + epoch, "run-1", epoch, seed.at(epoch), 1, "", AT));
        }

        run(4);

        // 2 iterations per epoch: the rate changes before epochs 1 and 3, at iterations 2 and 6.
        assertThat(model.calls).containsExactly("steps 1-2 at 2", "end at 2", "validate at 2", "lr " + seed.at(1) + " at 2",
                "steps 1-2 at 4", "end at 4", "validate at 4", "steps 1-2 at 6", "end at 6", "validate at 6", "lr " + seed.at(3) + " at 6",
                "steps 1-2 at 8", "end at 8", "validate at 8", "test at 8");
        assertThat(metrics).filteredOn(EpochStarted.class::isInstance).map(EpochStarted.class::cast)
                .extracting(EpochStarted::epoch, EpochStarted::learningRate, EpochStarted::appliedAtIteration, EpochStarted::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, seed.at(0), 0L, RateSource.SCHEDULER),
                        org.assertj.core.groups.Tuple.tuple(1, seed.at(1), 2L, RateSource.SCHEDULER),
                        org.assertj.core.groups.Tuple.tuple(2, seed.at(2), 4L, RateSource.SCHEDULER),
                        org.assertj.core.groups.Tuple.tuple(3, seed.at(3), 6L, RateSource.SCHEDULER));
    }

    @Test
    void goesOnWithTheLastKnownScheduleAndSaysSoWhenTheSchedulerIsSilent() throws Exception {
        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));

        run(3);

        assertThat(metrics).filteredOn(EpochStarted.class::isInstance).map(EpochStarted.class::cast)
                .extracting(EpochStarted::source)
                .containsExactly(RateSource.SCHEDULER, RateSource.FALLBACK, RateSource.FALLBACK);
    }

    @Test
    void reportsJoinEpochsValidationAndTheTestScoreInOrder() throws Exception {
        String console = run(2);

        assertThat(metrics).extracting(m -> m.getClass().getSimpleName()).containsExactly(
                "WorkerJoined", "EpochStarted", "IterationCompleted", "IterationCompleted", "EpochEnded",
                "EpochStarted", "IterationCompleted", "IterationCompleted", "EpochEnded", "WorkerFinished");
        assertThat(metrics).filteredOn(EpochEnded.class::isInstance).map(EpochEnded.class::cast)
                .extracting(EpochEnded::loss, EpochEnded::validation, EpochEnded::imagesPerSecond)
                .containsExactly(tuple(1.0, new Evaluation(0.9, 0.5, 0.75, 100), 4.0), tuple(2.0, new Evaluation(0.9, 0.5, 0.75, 100), 4.0));
        assertThat(metrics).last().isEqualTo(new WorkerFinished("run-1", "worker-0", 2, new Evaluation(0.8, 0.6, null, 200), AT));
        assertThat(console).contains("worker-0 | epoch 1/2 done | loss 1.0000 | validation loss 0.9000, accuracy 0.500, top-5 0.750"
                + " | 4.0 img/s (25% waiting for data)");
        assertThat(console).contains("worker-0 | test | loss 0.8000 | accuracy 0.600 | 200 images");
    }

    @Test
    void eachReplicaIsAWorkerTellingItsOwnRateAndTheOneModelsScoresGoWithTheFirst() throws Exception {
        model = new RecordingModel(2);
        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.02, 1, "", AT));

        String console = run(1, "trainer", 2);

        assertThat(metrics).filteredOn(m -> !(m instanceof TrainingMetric.IterationCompleted))
                .extracting(m -> m.getClass().getSimpleName() + " " + m.workerId()).containsExactly(
                        "WorkerJoined trainer-0", "WorkerJoined trainer-1", "EpochStarted trainer-0", "EpochStarted trainer-1",
                        "EpochEnded trainer-0", "EpochEnded trainer-1", "WorkerFinished trainer-0", "WorkerFinished trainer-1");
        assertThat(metrics).filteredOn(TrainingMetric.WorkerJoined.class::isInstance).map(TrainingMetric.WorkerJoined.class::cast)
                .extracting(TrainingMetric.WorkerJoined::workers).containsOnly(2);
        assertThat(metrics).filteredOn(EpochStarted.class::isInstance).map(EpochStarted.class::cast)
                .extracting(EpochStarted::workerId, EpochStarted::learningRate, EpochStarted::lrEventId)
                .containsExactly(tuple("trainer-0", 0.02, "e0"), tuple("trainer-1", 0.01, "e0"));
        assertThat(metrics).filteredOn(EpochEnded.class::isInstance).map(EpochEnded.class::cast)
                .extracting(EpochEnded::workerId, EpochEnded::iterations, EpochEnded::loss, EpochEnded::learningRate, EpochEnded::imagesPerSecond,
                        e -> e.validation() != null)
                .containsExactly(tuple("trainer-0", 2L, 1.0, 0.02, 4.0, true), tuple("trainer-1", 2L, 2.0, 0.01, 4.0, false));
        assertThat(metrics).filteredOn(WorkerFinished.class::isInstance).map(WorkerFinished.class::cast)
                .extracting(WorkerFinished::workerId, w -> w.test() != null).containsExactly(tuple("trainer-0", true), tuple("trainer-1", false));
        assertThat(metrics).filteredOn(TrainingMetric.IterationCompleted.class::isInstance)
                .extracting(TrainingMetric::workerId).containsExactly("trainer-0", "trainer-0", "trainer-1", "trainer-1");
        assertThat(console).contains("trainer-1 | epoch 1/1 done | loss 2.0000 | validated as trainer-0 | 4.0 img/s (25% waiting for data) | lr 0.01");
    }

    /** Checkpoints in memory: each save is the progress and the model's bytes; resume gives the last one, if told to. */
    static final class MemoryCheckpoints implements Checkpoints {
        final List<Progress> saved = new ArrayList<>();
        final List<byte[]> models = new ArrayList<>();
        Progress resumeFrom;
        byte[] resumeModel;

        @Override
        public Optional<Progress> resume(TrainableModel model) {
            if (resumeFrom == null) {
                return Optional.empty();
            }
            try {
                model.readState(new ByteArrayInputStream(resumeModel));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Optional.of(resumeFrom);
        }

        @Override
        public void save(Progress progress, TrainableModel model) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                model.writeState(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            saved.add(progress);
            models.add(bytes.toByteArray());
        }

        void resumeFromSave(int index) {
            resumeFrom = saved.get(index);
            resumeModel = models.get(index);
        }
    }

    @Test
    void checkpointsEveryStepAskedForAndAtEveryEpochsEndWithWhatTheEpochDidSoFar() throws Exception {
        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));
        board.offer(new LearningRateChanged("e1", "run-1", 1, 0.04, 2, "", AT));
        MemoryCheckpoints checkpoints = new MemoryCheckpoints();

        run(2, 1, checkpoints);

        assertThat(model.calls).containsExactly("steps 1-1 at 1", "steps 2-2 at 2", "end at 2", "validate at 2", "lr 0.04 at 2",
                "steps 1-1 at 3", "steps 2-2 at 4", "end at 4", "validate at 4", "test at 4");
        assertThat(checkpoints.saved).extracting(Progress::epoch, Progress::stepsDone, Progress::iteration, Progress::epochStartIteration)
                .containsExactly(tuple(0, 1, 1L, 0L), tuple(1, 0, 2L, 2L), tuple(1, 1, 3L, 2L), tuple(2, 0, 4L, 4L));
        Progress midSecond = checkpoints.saved.get(2);
        assertThat(midSecond.rate()).isEqualTo(new RateDecision(0.04, 2, RateSource.SCHEDULER, "e1"));
        assertThat(midSecond.replicas()).containsExactly(new Progress.ReplicaSoFar(1, 4, 2.0 * 4, 0.04));
        assertThat(midSecond.epochSoFar()).isEqualTo(new EpochResult(1, 4, 2.0, 0.25, 0.75, Double.NaN));
    }

    @Test
    void resumedMidEpochItAnnouncesWhereAndGoesOnAtTheRateItHadWithTheEpochsTotals() throws Exception {
        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));
        board.offer(new LearningRateChanged("e1", "run-1", 1, 0.04, 2, "", AT));
        MemoryCheckpoints checkpoints = new MemoryCheckpoints();
        run(2, 1, checkpoints);
        List<TrainingMetric> uninterrupted = List.copyOf(metrics);
        checkpoints.resumeFromSave(2); // epoch 2, after its first step
        // A newer version for epoch 1 arrives after it began: a resumed worker keeps the rate the epoch had.
        board.offer(new LearningRateChanged("e1-late", "run-1", 1, 0.001, 3, "", AT));
        metrics.clear();
        model = new RecordingModel(1);

        String console = run(2, 1, checkpoints);

        assertThat(model.calls).containsExactly("restored at 3", "steps 2-2 at 4", "end at 4", "validate at 4", "test at 4");
        assertThat(console).contains("worker-0 | resumed from a checkpoint: epoch 2, step 1 of 2, iteration 3, at the epoch's rate 0.04");
        assertThat(metrics.get(0)).isEqualTo(new TrainingMetric.WorkerJoined("run-1", "worker-0", 1, 2, 1, 3, Map.of(), AT));
        assertThat(metrics).filteredOn(EpochStarted.class::isInstance).singleElement()
                .isEqualTo(uninterrupted.stream().filter(m -> m instanceof EpochStarted started && started.epoch() == 1).findFirst().orElseThrow());
        assertThat(metrics).filteredOn(EpochEnded.class::isInstance).singleElement()
                .isEqualTo(uninterrupted.stream().filter(m -> m instanceof EpochEnded ended && ended.epoch() == 1).findFirst().orElseThrow());
        assertThat(metrics).filteredOn(TrainingMetric.IterationCompleted.class::isInstance).map(TrainingMetric.IterationCompleted.class::cast)
                .extracting(TrainingMetric.IterationCompleted::iteration).containsExactly(4L);
    }

    @Test
    void resumedAtAnEpochsEndItWaitsForTheNextEpochsRateAsUsual() throws Exception {
        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));
        MemoryCheckpoints checkpoints = new MemoryCheckpoints();
        run(1, 0, checkpoints);
        checkpoints.resumeFromSave(0); // epoch 1 done
        board.offer(new LearningRateChanged("e1", "run-1", 1, 0.03, 2, "", AT));
        metrics.clear();
        model = new RecordingModel(1);

        run(2, 0, checkpoints);

        assertThat(model.calls).containsExactly("restored at 2", "lr 0.03 at 2", "steps 1-2 at 4", "end at 4", "validate at 4", "test at 4");
        assertThat(metrics.get(0)).isEqualTo(new TrainingMetric.WorkerJoined("run-1", "worker-0", 1, 2, 1, 2, Map.of(), AT));
    }

    private String run(int epochs) throws InterruptedException {
        return run(epochs, "worker-0", 1, 0, Checkpoints.NONE);
    }

    private String run(int epochs, String workerId, int workers) throws InterruptedException {
        return run(epochs, workerId, workers, 0, Checkpoints.NONE);
    }

    private String run(int epochs, int checkpointEvery, Checkpoints checkpoints) throws InterruptedException {
        return run(epochs, "worker-0", 1, checkpointEvery, checkpoints);
    }

    private String run(int epochs, String workerId, int workers, int checkpointEvery, Checkpoints checkpoints) throws InterruptedException {
        TrainingRun.Settings settings = new TrainingRun.Settings("run-1", workerId, workers, epochs, Duration.ofMillis(20), Map.of(),
                Duration.ofSeconds(5), checkpointEvery);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        new TrainingRun(settings, model, board, metrics::add, new PrintStream(console, true, StandardCharsets.UTF_8),
                Clock.fixed(AT, ZoneOffset.UTC), checkpoints).run();
        return console.toString(StandardCharsets.UTF_8);
    }
}
