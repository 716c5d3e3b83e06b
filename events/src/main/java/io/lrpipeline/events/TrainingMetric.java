package io.lrpipeline.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Map;

/**
 * What a trainer reports on {@link Topics#TRAINING_METRICS}, keyed by run id. The JSON carries a
 * {@code type} field naming the record.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TrainingMetric.WorkerJoined.class, name = "worker-joined"),
    @JsonSubTypes.Type(value = TrainingMetric.EpochStarted.class, name = "epoch-started"),
    @JsonSubTypes.Type(value = TrainingMetric.IterationCompleted.class, name = "iteration-completed"),
    @JsonSubTypes.Type(value = TrainingMetric.EpochEnded.class, name = "epoch-ended"),
    @JsonSubTypes.Type(value = TrainingMetric.WorkerFinished.class, name = "worker-finished")
})
public sealed interface TrainingMetric extends Versioned {
    String runId();

    String workerId();

    Instant at();

    /** Where the learning rate a trainer applied came from. */
    enum RateSource {
        /** An {@link LearningRateChanged} event from the scheduler. */
        SCHEDULER,
        /** The scheduler did not answer in time; computed from the last schedule the trainer had. */
        FALLBACK
    }

    /**
     * A worker is up and about to train until epoch {@code epochs} as one of {@code workers} workers, starting at
     * epoch {@code startEpoch} with {@code startIteration} iterations done: 0 and 0 for a fresh start, the
     * checkpoint's counters for a worker that resumes. It carries the {@code hyperParameters} it was started with (names to
     * strings, numbers or booleans).
     */
    record WorkerJoined(String runId, String workerId, int workers, int epochs, int startEpoch, long startIteration,
            Map<String, Object> hyperParameters, Instant at) implements TrainingMetric {
        public WorkerJoined {
            Validation.requireRunAndWorker(runId, workerId);
            Validation.requireEpoch(startEpoch);
            if (startIteration < 0) {
                throw new IllegalArgumentException("startIteration must be >= 0, was " + startIteration);
            }
            hyperParameters = Validation.requireHyperParameters(hyperParameters);
        }
    }

    /** The worker applied {@code learningRate} before iteration {@code appliedAtIteration} and starts the epoch. */
    record EpochStarted(
            String runId,
            String workerId,
            int epoch,
            double learningRate,
            long scheduleVersion,
            RateSource source,
            String lrEventId,
            long appliedAtIteration,
            Instant at) implements TrainingMetric {
        public EpochStarted {
            Validation.requireRunAndWorker(runId, workerId);
            Validation.requireEpoch(epoch);
        }
    }

    /** One optimizer step: its loss and the worker's global iteration counter. */
    record IterationCompleted(String runId, String workerId, int epoch, long iteration, double loss, Instant at)
            implements TrainingMetric {
        public IterationCompleted {
            Validation.requireRunAndWorker(runId, workerId);
        }
    }

    /**
     * The epoch is over: its mean training {@code loss}, the model scored on the validation split held out of the
     * training data ({@code null} when the worker has none) and the training throughput.
     */
    record EpochEnded(
            String runId,
            String workerId,
            int epoch,
            long iterations,
            double loss,
            Evaluation validation,
            double imagesPerSecond,
            double learningRate,
            Instant at) implements TrainingMetric {
        public EpochEnded {
            Validation.requireRunAndWorker(runId, workerId);
            Validation.requireEpoch(epoch);
        }
    }

    /**
     * The worker trained all its epochs and is leaving; {@code test} is the final model scored once on the test
     * split ({@code null} when the data has none).
     */
    record WorkerFinished(String runId, String workerId, int epochs, Evaluation test, Instant at) implements TrainingMetric {
        public WorkerFinished {
            Validation.requireRunAndWorker(runId, workerId);
        }
    }
}
