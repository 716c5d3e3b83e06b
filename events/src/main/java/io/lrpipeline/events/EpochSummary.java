package io.lrpipeline.events;

import io.lrpipeline.events.schedule.ReduceOnPlateau.Monitor;

/**
 * A run's metrics for one finished epoch, each the mean over the workers that reported it: the training loss
 * from every worker, the validation metrics from the workers that hold a validation split.
 */
public record EpochSummary(Mean loss, Mean validationLoss, Mean validationAccuracy) {
    public static final EpochSummary NONE = new EpochSummary(Mean.NONE, Mean.NONE, Mean.NONE);

    /** A running mean of {@code count} values; {@link Double#NaN} when there are none. */
    public record Mean(double value, int count) {
        public static final Mean NONE = new Mean(Double.NaN, 0);

        public Mean with(double one) {
            int n = count + 1;
            return new Mean(count == 0 ? one : value + (one - value) / n, n);
        }
    }

    /** The monitored metric's mean, or {@link Double#NaN} when no worker reported it. */
    public double value(Monitor monitor) {
        return switch (monitor) {
            case TRAINING_LOSS -> loss.value();
            case VALIDATION_LOSS -> validationLoss.value();
            case VALIDATION_ACCURACY -> validationAccuracy.value();
        };
    }

    /** This summary with one more worker's epoch averaged in. */
    public EpochSummary with(double workerLoss, Evaluation validation) {
        return validation == null
                ? new EpochSummary(loss.with(workerLoss), validationLoss, validationAccuracy)
                : new EpochSummary(loss.with(workerLoss), validationLoss.with(validation.loss()),
                        validationAccuracy.with(validation.accuracy()));
    }
}
