package io.lrpipeline.lrctl;

import io.lrpipeline.events.RunState.MemberStatus;
import io.lrpipeline.events.RunState;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A run as lrctl shows it: its state, each worker with the rates it applied; the planned rate of every epoch (issued
 * ones as issued); and each worker's finished epochs where the control plane reads the workers' metrics (over Kafka;
 * over the REST API only the run's means per epoch, in the state, are known).
 */
record RunReport(RunState state, List<Double> planned, Map<String, NavigableMap<Integer, WorkerEpoch>> finishedEpochs) {
    /** A worker's finished epoch: its mean training loss, and its validation accuracy (null without a validation split). */
    record WorkerEpoch(double loss, Double validationAccuracy) {}

    RunReport {
        planned = List.copyOf(planned);
        finishedEpochs = Map.copyOf(finishedEpochs);
    }

    /** Every worker that joined has finished its epochs. */
    boolean finished() {
        return !state.members().isEmpty() && state.members().values().stream().allMatch(m -> m.status() == MemberStatus.FINISHED);
    }
}
