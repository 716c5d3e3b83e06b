package io.lrpipeline.scheduler;

import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.Topics;
import java.util.HashMap;
import java.util.Map;
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

    /** {@code state} as published on {@code lr.state}: its members without their applied rates. */
    static RunState withoutRates(RunState state) {
        Map<String, Member> members = new HashMap<>();
        state.members().forEach((id, m) -> members.put(id, new Member(m.lastEpochEnded(), m.lastSeen(), m.status(), new TreeMap<>())));
        return new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(), state.epochs(), members,
                state.issued(), state.observed(), state.history(), state.undoable(), state.updatedAt());
    }

    /** {@code state} from {@code lr.state} with each member's applied rates from the ledger put back. */
    static RunState withRates(RunState state, Map<String, WorkerRates> ledger) {
        Map<String, Member> members = new HashMap<>();
        state.members().forEach((id, m) -> {
            WorkerRates rates = ledger.get(key(state.runId(), id));
            members.put(id, rates == null ? m : new Member(m.lastEpochEnded(), m.lastSeen(), m.status(), rates.applied()));
        });
        return new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(), state.epochs(), members,
                state.issued(), state.observed(), state.history(), state.undoable(), state.updatedAt());
    }
}
