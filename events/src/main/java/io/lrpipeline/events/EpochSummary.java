package io.lrpipeline.events;

import io.lrpipeline.events.schedule.ReduceOnPlateau.Monitor;

/** A run's metrics for one finished epoch: the mean over the workers that reported it. */
public record EpochSummary(double loss, double accuracy, int workers) {
    public double value(Monitor monitor) {
        return monitor == Monitor.ACCURACY ? accuracy : loss;
    }

    /** This summary with one more worker's report averaged in. */
    public EpochSummary with(double workerLoss, double workerAccuracy) {
        int n = workers + 1;
        return new EpochSummary(loss + (workerLoss - loss) / n, accuracy + (workerAccuracy - accuracy) / n, n);
    }
}
