package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a trainer needs from its deep-learning library and its data, and nothing more: the Kafka,
 * learning-rate and metrics side works against this interface and is tested without training. All calls come
 * from the one training thread; {@link #setLearningRate} is only called between epochs, so the optimizer's
 * state is never touched while a step runs.
 */
public interface TrainableModel {
    /** One optimizer step of an epoch: the worker's step counter after it, its place in the epoch, its loss. */
    record Step(long iteration, int stepInEpoch, int stepsInEpoch, double loss, int images) {}

    /** A finished epoch: steps and images trained, mean loss, and the seconds spent waiting for data and computing. */
    record EpochResult(int steps, int images, double meanLoss, double dataWaitSeconds, double computeSeconds) {
        public double imagesPerSecond() {
            return images / Math.max(1e-9, dataWaitSeconds + computeSeconds);
        }
    }

    /** Sets the optimizer's learning rate for the following steps, keeping the optimizer's state. */
    void setLearningRate(double learningRate);

    double learningRate();

    /** Trains epoch {@code epoch} of this worker's data, telling {@code steps} after every step. */
    EpochResult trainEpoch(int epoch, Consumer<Step> steps);

    /** The model scored on the validation split; empty when there is none. */
    Optional<Evaluation> validate();

    /** The model scored on the test split; empty when there is none. */
    Optional<Evaluation> test();

    /** Optimizer steps taken so far. */
    long iterations();
}
