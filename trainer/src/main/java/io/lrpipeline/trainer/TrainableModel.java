package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
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

    /** Trains epoch {@code epoch} of this worker's data, telling {@code listener} as it goes. */
    EpochResult trainEpoch(int epoch, EpochListener listener);

    /** The model scored on the validation split; empty when there is none. */
    Optional<Evaluation> validate();

    /** The model scored on the test split; empty when there is none. */
    Optional<Evaluation> test();

    /** Optimizer steps the model has taken so far. */
    long iterations();
}
