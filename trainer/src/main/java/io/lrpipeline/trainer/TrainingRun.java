package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One worker's training, epoch by epoch, on the calling thread: before each epoch it takes the rate for that epoch
 * from the {@link LearningRateBoard} (bounded wait) and applies it, trains the epoch, scores the validation split,
 * and reports the epoch start, every step and the epoch end; after the last epoch it scores the test split once.
 * No deep-learning types: the model is a {@link TrainableModel}.
 */
public final class TrainingRun {
    /**
     * Who this worker is, how long it trains, the hyper-parameters it announces when it joins, and how often at most a
     * progress line is printed (the first and last step of an epoch always are).
     */
    public record Settings(String runId, String workerId, int workers, int epochs, Duration rateWait,
            Map<String, Object> hyperParameters, Duration progressEvery) {}

    private final Settings settings;
    private final TrainableModel model;
    private final LearningRateBoard rates;
    private final Consumer<TrainingMetric> metrics;
    private final PrintStream progress;
    private final Clock clock;

    public TrainingRun(Settings settings, TrainableModel model, LearningRateBoard rates, Consumer<TrainingMetric> metrics,
            PrintStream progress, Clock clock) {
        this.settings = settings;
        this.model = model;
        this.rates = rates;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
    }

    public void run() throws InterruptedException {
        metrics.accept(new WorkerJoined(settings.runId(), settings.workerId(), settings.workers(), settings.epochs(), 0, 0,
                settings.hyperParameters(), clock.instant()));
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            applyRateFor(epoch);
            trainEpoch(epoch);
        }
        Evaluation test = model.test().orElse(null);
        if (test != null) {
            progress.printf("%s | test | loss %.4f | accuracy %.3f%s | %,d images%n", settings.workerId(), test.loss(),
                    test.accuracy(), top5(test), test.samples());
        }
        metrics.accept(new WorkerFinished(settings.runId(), settings.workerId(), settings.epochs(), test, clock.instant()));
    }

    private void applyRateFor(int epoch) throws InterruptedException {
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
    }

    private void trainEpoch(int epoch) {
        long[] lastLine = {Long.MIN_VALUE};
        long started = System.nanoTime();
        int[] images = {0};
        EpochResult result = model.trainEpoch(epoch, step -> {
            images[0] += step.images();
            metrics.accept(new IterationCompleted(settings.runId(), settings.workerId(), epoch, step.iteration(), step.loss(), clock.instant()));
            long now = clock.millis();
            if (step.stepInEpoch() == 1 || step.stepInEpoch() == step.stepsInEpoch()
                    || now - lastLine[0] >= settings.progressEvery().toMillis()) {
                lastLine[0] = now;
                progress.printf("%s | epoch %d/%d | iteration %d/%d | %.1f img/s | loss %.4f | lr %s%n", settings.workerId(),
                        epoch + 1, settings.epochs(), step.stepInEpoch(), step.stepsInEpoch(),
                        images[0] / Math.max(1e-9, (System.nanoTime() - started) / 1e9), step.loss(), model.learningRate());
            }
        });
        Evaluation validation = model.validate().orElse(null);
        metrics.accept(new EpochEnded(settings.runId(), settings.workerId(), epoch, result.steps(), result.meanLoss(), validation,
                result.imagesPerSecond(), model.learningRate(), clock.instant()));
        progress.printf("%s | epoch %d/%d done | loss %.4f | %s | %.1f img/s (%.0f%% waiting for data) | lr %s%n",
                settings.workerId(), epoch + 1, settings.epochs(), result.meanLoss(),
                validation == null ? "no validation split"
                        : "validation loss %.4f, accuracy %.3f%s".formatted(validation.loss(), validation.accuracy(), top5(validation)),
                result.imagesPerSecond(), 100 * result.dataWaitSeconds() / Math.max(1e-9, result.dataWaitSeconds() + result.computeSeconds()),
                model.learningRate());
    }

    private static String top5(Evaluation evaluation) {
        return evaluation.top5Accuracy() == null ? "" : ", top-5 %.3f".formatted(evaluation.top5Accuracy());
    }
}
