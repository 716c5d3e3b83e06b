package io.lrpipeline.scheduler;

import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.Topics;
import java.util.List;

/**
 * The plans an undo of a run would restore, most recent last, as the scheduler keeps them in its private ledger
 * ({@link Topics#SCHEDULER_UNDO}, keyed by run id): written when a command changes them, not with every state.
 */
record UndoablePlans(String runId, List<SchedulePlan> plans) {
    UndoablePlans {
        plans = List.copyOf(plans);
    }
}
