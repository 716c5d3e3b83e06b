package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Everything a trainer needs from its deep-learning library and its data, and nothing more: the Kafka,
 * learning-rate and metrics side works against this interface and is tested without training. All calls come
 * from the one training thread; {@link #setLearningRate} is only called between epochs, so the optimizer's
 * state is never touched while a step runs. A model may be trained by several replicas at once (data-parallel
 * threads of one process): each is a worker of the run, and each tells its own steps.
 */
public interface TrainableModel {
    /**
     * One optimizer step of replica {@code replica}: its step counter after it, its place in the epoch, its loss, its
     * images, and the rate its optimizer held.
     */
    record Step(int replica, long iteration, int stepInEpoch, int stepsInEpoch, double loss, int images, double learningRate) {}

    /**
     * A finished epoch: the model's optimizer steps and the images trained by all replicas, their mean loss, and the
     * seconds spent waiting for data, training, and keeping the replicas one model (averaging, broadcast, scheduling
     * their tasks); {@code NaN} where the engine does not tell a share apart from training.
     */
    record EpochResult(int steps, int images, double meanLoss, double dataWaitSeconds, double computeSeconds, double syncSeconds) {
        /** Nothing trained yet. */
        public static final EpochResult NONE = new EpochResult(0, 0, Double.NaN, Double.NaN, 0, Double.NaN);

        /** This part of an epoch and the {@code next} one together. */
        public EpochResult plus(EpochResult next) {
            int allImages = images + next.images;
            double loss = images == 0 ? next.meanLoss : next.images == 0 ? meanLoss : (meanLoss * images + next.meanLoss * next.images) / allImages;
            return new EpochResult(steps + next.steps, allImages, loss, sum(dataWaitSeconds, next.dataWaitSeconds),
                    computeSeconds + next.computeSeconds, sum(syncSeconds, next.syncSeconds));
        }

        private static double sum(double a, double b) {
            return Double.isNaN(a) ? b : Double.isNaN(b) ? a : a + b;
        }

        public double seconds() {
            return (Double.isNaN(dataWaitSeconds) ? 0 : dataWaitSeconds) + computeSeconds + (Double.isNaN(syncSeconds) ? 0 : syncSeconds);
        }

        public double imagesPerSecond() {
            return images / Math.max(1e-9, seconds());
        }
    }

    /**
     * What a model tells while it trains an epoch, on the thread of the replica concerned (so from several threads at
     * once when there are several replicas; each replica's calls come from one thread, in order).
     */
    interface EpochListener {
        /** Tells nothing to anyone: for benchmarks and warm-ups. */
        EpochListener SILENT = new EpochListener() {
            @Override
            public void started(int replica, double learningRate, long iteration) {}

            @Override
            public void step(Step step) {}
        };

        /** Replica {@code replica} trains this epoch at {@code learningRate}, read from its own optimizer, from step {@code iteration}. */
        void started(int replica, double learningRate, long iteration);

        void step(Step step);
    }

    /** Replicas that train this model together; 1 for a model trained alone. */
    default int replicas() {
        return 1;
    }

    /** Sets the optimizer's learning rate for the following steps, keeping the optimizer's state. */
    void setLearningRate(double learningRate);

    double learningRate();

    /** Optimizer steps in epoch {@code epoch}. */
    int stepsInEpoch(int epoch);

    /**
     * Trains steps {@code fromStep + 1} to {@code toStep} of epoch {@code epoch} of this worker's data (all of it: 0 to
     * {@link #stepsInEpoch}), telling {@code listener} as it goes; the same steps give the same model however the epoch
     * is cut.
     */
    EpochResult train(int epoch, int fromStep, int toStep, EpochListener listener);

    /** Ends epoch {@code epoch} once its steps are trained, before it is scored. */
    void endEpoch(int epoch);

    /** The whole of epoch {@code epoch}, ended. */
    default EpochResult trainEpoch(int epoch, EpochListener listener) {
        EpochResult result = train(epoch, 0, stepsInEpoch(epoch), listener);
        endEpoch(epoch);
        return result;
    }

    /**
     * What the model is, exactly enough to tell another apart: its parameter arrays and their shapes, and the size of
     * its optimizer's state. A checkpoint of a model of another shape is refused.
     */
    String shape();

    /** Writes the model as it is now: configuration, parameters, optimizer state, step and epoch counters. */
    void writeState(OutputStream out) throws IOException;

    /** Makes this model what {@link #writeState} wrote; the caller has checked it is of this {@link #shape}. */
    void readState(InputStream in) throws IOException;

    /** The model scored on the validation split; empty when there is none. */
    Optional<Evaluation> validate();

    /** The model scored on the test split; empty when there is none. */
    Optional<Evaluation> test();

    /** Optimizer steps the model has taken so far. */
    long iterations();
}
