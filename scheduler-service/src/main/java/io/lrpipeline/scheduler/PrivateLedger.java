package io.lrpipeline.scheduler;

import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the scheduler keeps of runs for itself, out of their public {@code lr.state} record: each worker's applied
 * rates ({@link Topics#SCHEDULER_APPLIED}) and each run's undoable plans ({@link Topics#SCHEDULER_UNDO}), as read
 * back from those compacted topics. {@link #published} takes them out of a run's state, {@link #complete} puts them
 * back.
 */
final class PrivateLedger {
    /** The ledger's topics, in the same partitions as the runs' (keyed by or placed in the run id's partition). */
    static final List<String> TOPICS = List.of(Topics.SCHEDULER_APPLIED, Topics.SCHEDULER_UNDO);

    private final Map<String, WorkerRates> rates = new HashMap<>();
    private final Map<String, UndoablePlans> undo = new HashMap<>();

    /** Takes in one record of the ledger's topics, the newest of its key winning. */
    void keep(ConsumerRecord<String, String> record) {
        if (record.topic().equals(Topics.SCHEDULER_APPLIED)) {
            TopicHistory.keepNewest(record, rates, WorkerRates.class, WorkerRates::key);
        } else {
            TopicHistory.keepNewest(record, undo, UndoablePlans.class, UndoablePlans::runId);
        }
    }

    /**
     * {@code state} from {@code lr.state} with its workers' applied rates and its undoable plans put back (a state
     * written before the ledger held undoable plans keeps its own).
     */
    RunState complete(RunState state) {
        Map<String, Member> members = new HashMap<>();
        state.members().forEach((id, m) -> {
            WorkerRates worker = rates.get(WorkerRates.key(state.runId(), id));
            members.put(id, worker == null ? m : new Member(m.lastEpochEnded(), m.lastSeen(), m.status(), worker.applied()));
        });
        UndoablePlans plans = undo.get(state.runId());
        return new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(), state.epochs(), members,
                state.issued(), state.observed(), state.history(), plans == null ? state.undoable() : plans.plans(), state.updatedAt());
    }

    /** {@code state} as published on {@code lr.state}: its members without their applied rates, no undoable plans. */
    static RunState published(RunState state) {
        Map<String, Member> members = new HashMap<>();
        state.members().forEach((id, m) -> members.put(id, new Member(m.lastEpochEnded(), m.lastSeen(), m.status(), new TreeMap<>())));
        return new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(), state.epochs(), members,
                state.issued(), state.observed(), state.history(), List.of(), state.updatedAt());
    }
}
