package io.lrpipeline.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The scheduler's decision: run {@code runId} trains epoch {@code epoch} with {@code learningRate}.
 * Published on {@link Topics#LR_EVENTS}, keyed by run id.
 */
public record LearningRateChanged(
        String eventId,
        String runId,
        int epoch,
        double learningRate,
        long scheduleVersion,
        String reason,
        Instant issuedAt) implements Versioned {

    public LearningRateChanged {
        Validation.requireRunId("runId", runId);
        Validation.requireId("eventId", eventId);
        Validation.requireEpoch(epoch);
        Validation.requireLearningRate(learningRate);
        if (scheduleVersion < 1) {
            throw new IllegalArgumentException("scheduleVersion must be >= 1, was " + scheduleVersion);
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        reason = reason == null ? "" : reason;
    }
}
