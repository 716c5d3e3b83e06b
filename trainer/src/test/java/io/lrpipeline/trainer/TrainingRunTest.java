package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.Schedule;
import io.lrpipeline.trainer.data.Batch;
import io.lrpipeline.trainer.data.LabeledImages;
import io.lrpipeline.trainer.data.ShardedBatches;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingRunTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    /** Records what the training loop asks of the model, in order. */
    static final class RecordingModel implements TrainableModel {
        final List<String> calls = new ArrayList<>();
        double learningRate = 0.045;
        long iterations;

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
        public double fit(Batch batch) {
            iterations++;
            return 1.0;
        }

        @Override
        public int countCorrect(Batch batch) {
            return batch.size() / 2;
        }

        @Override
        public void epochEnded() {
            calls.add("end at " + iterations);
        }

        @Override
        public long iterations() {
            return iterations;
        }
    }

    private final RecordingModel model = new RecordingModel();
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
        assertThat(model.calls).containsExactly("end at 2", "lr " + seed.at(1) + " at 2", "end at 4", "end at 6",
                "lr " + seed.at(3) + " at 6", "end at 8");
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
    void reportsJoinEpochsAndFinishInOrder() throws Exception {
        run(2);

        assertThat(metrics).extracting(m -> m.getClass().getSimpleName()).containsExactly(
                "WorkerJoined", "EpochStarted", "IterationCompleted", "IterationCompleted", "EpochEnded",
                "EpochStarted", "IterationCompleted", "IterationCompleted", "EpochEnded", "WorkerFinished");
        assertThat(metrics).filteredOn(EpochEnded.class::isInstance).map(EpochEnded.class::cast)
                .extracting(EpochEnded::accuracy).containsOnly(0.5);
    }

    private void run(int epochs) throws InterruptedException {
        LabeledImages images = new LabeledImages(2, 2, new byte[8][4], new int[8]);
        ShardedBatches training = new ShardedBatches(images, 0, 1, 4, 2, 75, 1, 1);
        List<Batch> evaluation = ShardedBatches.all(images, 4, 75, 1);
        TrainingRun.Settings settings = new TrainingRun.Settings("run-1", "worker-0", 1, epochs, Duration.ofMillis(20), Map.of());
        new TrainingRun(settings, model, training, evaluation, board, metrics::add,
                new PrintStream(new ByteArrayOutputStream()), Clock.fixed(AT, ZoneOffset.UTC)).run();
    }
}
