package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * One trainer's training, epoch by epoch, on the calling thread: before each epoch it takes the rate for that epoch
 * from the {@link LearningRateBoard} (bounded wait) and applies it to the model, trains the epoch, scores the
 * validation split, and reports the epoch start, every step and the epoch end; after the last epoch it scores the
 * test split once. Each replica of the model is a worker of the run ({@link #replicaIds}): it reports its own
 * start (with the rate its optimizer held), steps and end; the one model's validation and test scores go with the
 * first replica. No deep-learning types: the model is a {@link TrainableModel}.
 *
 * <p>It saves a checkpoint at the end of every epoch, and with {@code checkpointEvery} > 0 also after every that many
 * steps within one, and starts from the newest one its {@link Checkpoints} give: it announces the epoch and step it
 * resumes at, goes on inside an epoch at the rate that epoch had (recorded, not decided again), at the step after the
 * checkpoint's, with the epoch's totals so far, so that every step is trained once into the model it ends with.
 */
public final class TrainingRun {
    /**
     * Who this trainer is, how many workers the run has in all (replicas of every trainer), how long it trains, the
     * hyper-parameters it announces when it joins, and how often at most a progress line is printed per replica (the
     * first and last step of an epoch always are).
     */
    public record Settings(String runId, String workerId, int workers, int epochs, Duration rateWait,
            Map<String, Object> hyperParameters, Duration progressEvery, int checkpointEvery) {}

    private final Settings settings;
    private final TrainableModel model;
    private final LearningRateBoard rates;
    private final Consumer<TrainingMetric> metrics;
    private final PrintStream progress;
    private final Clock clock;
    private final Checkpoints checkpoints;
    private final List<String> workerIds;

    public TrainingRun(Settings settings, TrainableModel model, LearningRateBoard rates, Consumer<TrainingMetric> metrics,
            PrintStream progress, Clock clock, Checkpoints checkpoints) {
        this.settings = settings;
        this.model = model;
        this.rates = rates;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
        this.checkpoints = checkpoints;
        this.workerIds = replicaIds(settings.workerId(), model.replicas());
    }

    /** The workers a trainer's replicas are: the trainer's own id for one, {@code <id>-0}, {@code <id>-1}, … for several. */
    public static List<String> replicaIds(String workerId, int replicas) {
        return replicas == 1 ? List.of(workerId) : IntStream.range(0, replicas).mapToObj(r -> workerId + "-" + r).toList();
    }

    public void run() throws InterruptedException {
        Progress start = checkpoints.resume(model).orElse(Progress.START);
        if (start != Progress.START) {
            progress.printf("%s | resumed from a checkpoint: epoch %d, step %d of %d, iteration %d%s%n", settings.workerId(), start.epoch() + 1,
                    start.stepsDone(), start.epoch() < settings.epochs() ? model.stepsInEpoch(start.epoch()) : 0, start.iteration(),
                    start.midEpoch() ? ", at the epoch's rate " + start.rate().learningRate() : "");
        }
        for (String id : workerIds) {
            metrics.accept(new WorkerJoined(settings.runId(), id, settings.workers(), settings.epochs(), start.epoch(), start.iteration(),
                    settings.hyperParameters(), clock.instant()));
        }
        for (int epoch = start.epoch(); epoch < settings.epochs(); epoch++) {
            if (epoch == start.epoch() && start.midEpoch()) {
                resumeRate(start.rate());
                trainEpoch(epoch, start);
            } else {
                RateDecision rate = applyRateFor(epoch);
                trainEpoch(epoch, new Progress(epoch, 0, model.iterations(), model.iterations(), rate, List.of(), EpochResult.NONE));
            }
        }
        Evaluation test = model.test().orElse(null);
        if (test != null) {
            progress.printf("%s | test | loss %.4f | accuracy %.3f%s | %,d images%n", workerIds.get(0), test.loss(),
                    test.accuracy(), top5(test), test.samples());
        }
        for (int replica = 0; replica < workerIds.size(); replica++) {
            metrics.accept(new WorkerFinished(settings.runId(), workerIds.get(replica), settings.epochs(), replica == 0 ? test : null,
                    clock.instant()));
        }
    }

    private RateDecision applyRateFor(int epoch) throws InterruptedException {
        if (!rates.has(epoch)) {
            progress.printf("%s | epoch %d | waiting up to %ds for the scheduler's learning rate%n", settings.workerId(), epoch + 1,
                    settings.rateWait().toSeconds());
        }
        RateDecision rate = rates.await(epoch, settings.rateWait());
        if (rate.source() == RateSource.FALLBACK) {
            progress.printf("%s | epoch %d | no learning rate from the scheduler within %ds: using %s from the last schedule it had%n",
                    settings.workerId(), epoch, settings.rateWait().toSeconds(), rate.learningRate());
        }
        if (model.learningRate() != rate.learningRate()) {
            model.setLearningRate(rate.learningRate());
        }
        return rate;
    }

    /** Inside an epoch, the rate it had: the checkpoint's model holds it already, set again only if it does not. */
    private void resumeRate(RateDecision rate) {
        if (model.learningRate() != rate.learningRate()) {
            model.setLearningRate(rate.learningRate());
        }
    }

    /**
     * Epoch {@code epoch} from where {@code from} stands in it: the steps, a checkpoint every {@code checkpointEvery}
     * steps, the epoch's end, its validation, and the checkpoint of the epoch's end.
     */
    private void trainEpoch(int epoch, Progress from) {
        RateDecision rate = from.rate();
        long started = System.nanoTime();
        ReplicaEpoch[] replicas = new ReplicaEpoch[workerIds.size()];
        for (int r = 0; r < replicas.length; r++) {
            replicas[r] = r < from.replicas().size() ? new ReplicaEpoch(from.replicas().get(r)) : new ReplicaEpoch(model.learningRate());
        }
        boolean[] announced = new boolean[replicas.length];
        EpochListener listener = new EpochListener() {
            @Override
            public void started(int replica, double learningRate, long iteration) {
                if (!announced[replica]) {
                    announced[replica] = true;
                    metrics.accept(new EpochStarted(settings.runId(), workerIds.get(replica), epoch, learningRate, rate.scheduleVersion(),
                            rate.source(), rate.eventId(), from.epochStartIteration(), clock.instant()));
                }
            }

            @Override
            public void step(Step step) {
                String id = workerIds.get(step.replica());
                ReplicaEpoch replica = replicas[step.replica()];
                double seconds = (System.nanoTime() - started) / 1e9;
                boolean line = replica.add(step, clock.millis(), settings.progressEvery().toMillis());
                metrics.accept(new IterationCompleted(settings.runId(), id, epoch, step.iteration(), step.loss(), clock.instant()));
                if (line) {
                    progress.printf("%s | epoch %d/%d | iteration %d/%d | %.1f img/s | loss %.4f | lr %s%n", id, epoch + 1,
                            settings.epochs(), step.stepInEpoch(), step.stepsInEpoch(), replica.imagesHere() / Math.max(1e-9, seconds),
                            step.loss(), step.learningRate());
                }
            }
        };
        int steps = model.stepsInEpoch(epoch);
        EpochResult result = from.epochSoFar();
        for (int done = from.stepsDone(); done < steps; ) {
            int until = settings.checkpointEvery() > 0 ? Math.min(steps, (done / settings.checkpointEvery() + 1) * settings.checkpointEvery()) : steps;
            result = result.plus(model.train(epoch, done, until, listener));
            done = until;
            if (done < steps) {
                checkpoints.save(new Progress(epoch, done, model.iterations(), from.epochStartIteration(), rate, soFar(replicas), result),
                        model);
            }
        }
        model.endEpoch(epoch);
        Evaluation validation = model.validate().orElse(null);
        for (int r = 0; r < replicas.length; r++) {
            ReplicaEpoch replica = replicas[r];
            double imagesPerSecond = replica.images() / Math.max(1e-9, result.seconds());
            metrics.accept(new EpochEnded(settings.runId(), workerIds.get(r), epoch, replica.steps(), replica.meanLoss(),
                    r == 0 ? validation : null, imagesPerSecond, replica.learningRate(), clock.instant()));
            progress.printf("%s | epoch %d/%d done | loss %.4f | %s | %.1f img/s%s | lr %s%n", workerIds.get(r), epoch + 1,
                    settings.epochs(), replica.meanLoss(), r > 0 ? "validated as " + workerIds.get(0) : validation == null
                            ? "no validation split"
                            : "validation loss %.4f, accuracy %.3f%s".formatted(validation.loss(), validation.accuracy(), top5(validation)),
                    imagesPerSecond, shares(result),
                    replica.learningRate());
        }
        checkpoints.save(new Progress(epoch + 1, 0, model.iterations(), model.iterations(), rate, List.of(), EpochResult.NONE), model);
    }

    private static List<Progress.ReplicaSoFar> soFar(ReplicaEpoch[] replicas) {
        return Arrays.stream(replicas).map(ReplicaEpoch::soFar).toList();
    }

    /** The shares of the epoch not spent training, where the engine tells them: " (12% waiting for data)". */
    private static String shares(EpochResult result) {
        List<String> shares = new ArrayList<>();
        if (!Double.isNaN(result.dataWaitSeconds())) {
            shares.add("%.0f%% waiting for data".formatted(100 * result.dataWaitSeconds() / Math.max(1e-9, result.seconds())));
        }
        if (!Double.isNaN(result.syncSeconds())) {
            shares.add("%.0f%% averaging, broadcast and task scheduling".formatted(100 * result.syncSeconds() / Math.max(1e-9, result.seconds())));
        }
        return shares.isEmpty() ? "" : " (" + String.join(", ", shares) + ")";
    }

    private static String top5(Evaluation evaluation) {
        return evaluation.top5Accuracy() == null ? "" : ", top-5 %.3f".formatted(evaluation.top5Accuracy());
    }

    /**
     * One replica's epoch so far, from a checkpoint's totals on where the epoch resumed; written by that replica's
     * thread, read by the run's thread between the epoch's parts.
     */
    private static final class ReplicaEpoch {
        private int steps;
        private int images;
        private int imagesHere;
        private double lossSum;
        private double learningRate;
        private long lastLine = Long.MIN_VALUE;

        ReplicaEpoch(double learningRate) {
            this.learningRate = learningRate;
        }

        ReplicaEpoch(Progress.ReplicaSoFar soFar) {
            this(soFar.learningRate());
            steps = soFar.steps();
            images = soFar.images();
            lossSum = soFar.lossSum();
        }

        /** Counts {@code step}; whether a progress line is due for it. */
        synchronized boolean add(Step step, long nowMillis, long everyMillis) {
            steps++;
            images += step.images();
            imagesHere += step.images();
            lossSum += step.loss() * step.images();
            learningRate = step.learningRate();
            boolean due = step.stepInEpoch() == 1 || step.stepInEpoch() == step.stepsInEpoch() || nowMillis - lastLine >= everyMillis;
            if (due) {
                lastLine = nowMillis;
            }
            return due;
        }

        synchronized int steps() {
            return steps;
        }

        synchronized int images() {
            return images;
        }

        /** Images this process trained in the epoch, for its progress lines' speed. */
        synchronized int imagesHere() {
            return imagesHere;
        }

        synchronized Progress.ReplicaSoFar soFar() {
            return new Progress.ReplicaSoFar(steps, images, lossSum, learningRate);
        }

        synchronized double meanLoss() {
            return images == 0 ? Double.NaN : lossSum / images;
        }

        synchronized double learningRate() {
            return learningRate;
        }
    }
}
