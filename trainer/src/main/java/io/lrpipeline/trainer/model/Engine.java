package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * What trains an epoch's batches into the model: the calling thread alone ({@link #ALONE}), DL4J's ParallelWrapper
 * threads in this process ({@link ParallelWrapperEngine}) or the executors of a Spark application
 * ({@link SparkEngine}). With several replicas, each trains one batch per step and their parameters and optimizer
 * state are averaged after every step, so they train one model; each replica reports its own steps.
 */
public interface Engine extends AutoCloseable {
    /** The calling thread trains every batch, the next ones prepared ahead on a thread of their own. */
    Engine ALONE = new AloneEngine();

    /** The engine gave up on a step (Spark: a task failed more often than it retries); the message says why, in one line. */
    final class TrainingFailed extends RuntimeException {
        public TrainingFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code replicas} threads of this process, each with batches of {@code batchSize}: {@link #ALONE} for one. */
    static Engine threads(int replicas, int batchSize) {
        return replicas == 1 ? ALONE : new ParallelWrapperEngine(replicas, batchSize);
    }

    /** Steps {@code first + 1} to {@code first + count} of an epoch of {@code ofEpoch} steps, as the listener numbers them. */
    record Steps(int first, int count, int ofEpoch) {
        public Steps {
            if (first < 0 || count < 0 || first + count > ofEpoch) {
                throw new IllegalArgumentException("steps " + (first + 1) + " to " + (first + count) + " are not in an epoch of " + ofEpoch);
            }
        }

        /** The step number of the {@code k}-th step trained (1-based) in the epoch. */
        int number(int k) {
            return first + k;
        }
    }

    /** Replicas that train the model together; one batch each per step. */
    int replicas();

    /**
     * Trains {@code steps} of the model from {@code batches}, which start at the first of them (one batch per replica and
     * step), preparing up to {@code prefetch} batches ahead where the engine lets it, telling {@code listener} each
     * replica's steps. On this process's threads each replica's step is seeded by {@link StepSeeds} before it trains.
     */
    EpochResult train(ComputationGraph model, DataSetIterator batches, Steps steps, int prefetch, EpochListener listener);

    /** One line for the console: what trains the model. */
    String describe();

    /** Releases threads, contexts or connections the engine holds. */
    @Override
    default void close() {}
}
