package io.lrpipeline.trainer;

import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.trainer.data.Batch;
import io.lrpipeline.trainer.data.ShardedBatches;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One worker's training, epoch by epoch, on the calling thread: before each epoch it takes the rate for
 * that epoch from the {@link LearningRateBoard} (bounded wait), applies it to the model, and reports the
 * epoch start, every iteration and the epoch end. No deep-learning types: the model is a {@link TrainableModel}.
 */
public final class TrainingRun {
    /** Who this worker is, how long it trains, and the hyper-parameters it announces when it joins. */
    public record Settings(String runId, String workerId, int workers, int epochs, Duration rateWait,
            Map<String, Object> hyperParameters) {}

    private final Settings settings;
    private final TrainableModel model;
    private final ShardedBatches training;
    private final List<Batch> evaluation;
    private final LearningRateBoard rates;
    private final Consumer<TrainingMetric> metrics;
    private final PrintStream progress;
    private final Clock clock;

    public TrainingRun(Settings settings, TrainableModel model, ShardedBatches training, List<Batch> evaluation,
            LearningRateBoard rates, Consumer<TrainingMetric> metrics, PrintStream progress, Clock clock) {
        this.settings = settings;
        this.model = model;
        this.training = training;
        this.evaluation = evaluation;
        this.rates = rates;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
    }

    public void run() throws InterruptedException {
        metrics.accept(new WorkerJoined(settings.runId(), settings.workerId(), settings.workers(), settings.epochs(), 0, 0,
                settings.hyperParameters(), clock.instant()));
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            RateDecision rate = applyRateFor(epoch);
            trainEpoch(epoch, rate);
        }
        metrics.accept(new WorkerFinished(settings.runId(), settings.workerId(), settings.epochs(), clock.instant()));
    }

    private RateDecision applyRateFor(int epoch) throws InterruptedException {
        RateDecision rate = rates.await(epoch, settings.rateWait());
        if (rate.source() == RateSource.FALLBACK) {
            progress.printf("%s | epoch %d | no learning rate from the scheduler within %ds: using %s from the last schedule it had%n",
                    settings.workerId(), epoch, settings.rateWait().toSeconds(), rate.learningRate());
        }
        if (model.learningRate() != rate.learningRate()) {
            model.setLearningRate(rate.learningRate());
        }
        metrics.accept(new EpochStarted(settings.runId(), settings.workerId(), epoch, model.learningRate(),
                rate.scheduleVersion(), rate.source(), rate.eventId(), model.iterations(), clock.instant()));
        return rate;
    }

    private void trainEpoch(int epoch, RateDecision rate) {
        List<Batch> batches = training.epoch(epoch);
        long started = System.nanoTime();
        double lossSum = 0;
        int images = 0;
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            double loss = model.fit(batch);
            lossSum += loss * batch.size();
            images += batch.size();
            double imagesPerSecond = images / seconds(started);
            metrics.accept(new IterationCompleted(settings.runId(), settings.workerId(), epoch, model.iterations(), loss, clock.instant()));
            progress.printf("%s | epoch %d/%d | iteration %d/%d | %.1f img/s | loss %.4f | lr %s%n", settings.workerId(),
                    epoch + 1, settings.epochs(), i + 1, batches.size(), imagesPerSecond, loss, rate.learningRate());
        }
        double imagesPerSecond = images / seconds(started);
        model.epochEnded();
        double accuracy = accuracy();
        metrics.accept(new EpochEnded(settings.runId(), settings.workerId(), epoch, batches.size(), lossSum / images,
                accuracy, imagesPerSecond, model.learningRate(), clock.instant()));
        progress.printf("%s | epoch %d/%d done | loss %.4f | accuracy %.3f | %.1f img/s | lr %s%n", settings.workerId(),
                epoch + 1, settings.epochs(), lossSum / images, accuracy, imagesPerSecond, model.learningRate());
    }

    private double accuracy() {
        int correct = 0;
        int total = 0;
        for (Batch batch : evaluation) {
            correct += model.countCorrect(batch);
            total += batch.size();
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    private static double seconds(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }
}
