package io.lrpipeline.scheduler;

import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.Topics;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One worker's applied rates, as the scheduler keeps them in its private ledger ({@link Topics#SCHEDULER_APPLIED},
 * keyed {@code runId/workerId}): what the page draws, kept out of {@code lr.state} so that the run's public record
 * does not grow with workers × epochs.
 */
record WorkerRates(String runId, String workerId, NavigableMap<Integer, AppliedRate> applied) {
    WorkerRates {
        applied = new TreeMap<>(applied);
    }

    String key() {
        return key(runId, workerId);
    }

    /** The ledger's key of a worker of a run. */
    static String key(String runId, String workerId) {
        return runId + "/" + workerId;
    }
}
