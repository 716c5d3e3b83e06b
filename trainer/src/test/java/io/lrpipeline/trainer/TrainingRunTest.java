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
import java.io.ByteArrayOutputStream;
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

    /**
     * Records what the training loop asks of the model, in order: 2 steps of 4 images per epoch and replica. Replica
     * {@code r} tells a rate of {@code learningRate / (r + 1)}, so that what is reported can be told from what was set.
     */
    static final class RecordingModel implements TrainableModel {
        final List<String> calls = new ArrayList<>();
        final int replicas;
        double learningRate = 0.045;
        long iterations;

        RecordingModel(int replicas) {
            this.replicas = replicas;
        }

        @Override
        public int replicas() {
            return replicas;
        }

        @Override
        public void setLearningRate(double rate) {
            calls.add("lr " + rate + " at " + iterations);
            learningRate = rate;
        }

        @Override
        public double learningRate() {
            return learningRate;
        }

        @Override
        public EpochResult trainEpoch(int epoch, EpochListener listener) {
            for (int replica = 0; replica < replicas; replica++) {
                double rate = learningRate / (replica + 1);
                listener.started(replica, rate, iterations);
                for (int step = 1; step <= 2; step++) {
                    listener.step(new Step(replica, iterations + step, step, 2, 1.0 + epoch + replica, 4, rate));
                }
            }
            iterations += 2;
            calls.add("end at " + iterations);
            return new EpochResult(2, 8 * replicas, 1.0 + epoch, 0.5, 1.5, Double.NaN);
        }

        @Override
        public Optional<Evaluation> validate() {
            calls.add("validate at " + iterations);
            return Optional.of(new Evaluation(0.9, 0.5, 0.75, 100));
        }

        @Override
        public Optional<Evaluation> test() {
            calls.add("test at " + iterations);
            return Optional.of(new Evaluation(0.8, 0.6, null, 200));
        }

        @Override
        public long iterations() {
            return iterations;
        }
    }

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
        assertThat(model.calls).containsExactly("end at 2", "validate at 2", "lr " + seed.at(1) + " at 2", "end at 4",
                "validate at 4", "end at 6", "validate at 6", "lr " + seed.at(3) + " at 6", "end at 8", "validate at 8", "test at 8");
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

    private String run(int epochs) throws InterruptedException {
        return run(epochs, "worker-0", 1);
    }

    private String run(int epochs, String workerId, int workers) throws InterruptedException {
        TrainingRun.Settings settings = new TrainingRun.Settings("run-1", workerId, workers, epochs, Duration.ofMillis(20), Map.of(),
                Duration.ofSeconds(5));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        new TrainingRun(settings, model, board, metrics::add, new PrintStream(console, true, StandardCharsets.UTF_8),
                Clock.fixed(AT, ZoneOffset.UTC)).run();
        return console.toString(StandardCharsets.UTF_8);
    }
}
