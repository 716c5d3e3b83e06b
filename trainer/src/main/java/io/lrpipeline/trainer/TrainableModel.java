package io.lrpipeline.trainer;

import io.lrpipeline.trainer.data.Batch;

/**
 * Everything a trainer needs from its deep-learning library, and nothing more: the Kafka, learning-rate
 * and metrics side works against this interface and is tested without training. All calls come from the
 * one training thread; {@link #setLearningRate} is only called between iterations, so the optimizer's
 * state (RMSProp's cache) is never touched while a step runs.
 */
public interface TrainableModel {
    /** Sets the optimizer's learning rate for the following iterations, keeping the optimizer's state. */
    void setLearningRate(double learningRate);

    double learningRate();

    /** One optimizer step on {@code batch}; returns its loss. */
    double fit(Batch batch);

    /** How many images of {@code batch} the model classifies right (inference mode). */
    int countCorrect(Batch batch);

    /** The current epoch is over. */
    void epochEnded();

    /** Optimizer steps taken so far. */
    long iterations();
}
