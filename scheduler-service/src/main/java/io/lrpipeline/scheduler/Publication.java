package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the decisions of one poll publish together, in one transaction: each changed run's newest state once (however
 * many of its inputs the poll held), each worker's applied rates and each run's undoable plans once, then the rate
 * events, rejections and outcomes in the order they were decided.
 */
final class Publication {
    private final Map<String, RunState> states = new LinkedHashMap<>();
    private final Map<String, WorkerRates> rates = new LinkedHashMap<>();
    private final Map<String, UndoablePlans> undo = new LinkedHashMap<>();
    private final List<LearningRateChanged> events = new ArrayList<>();
    private final List<CommandRejected> rejections = new ArrayList<>();
    private final List<CommandOutcome> outcomes = new ArrayList<>();

    void add(Decision decision) {
        decision.states().forEach(state -> states.put(state.runId(), state));
        decision.rates().forEach(worker -> rates.put(worker.key(), worker));
        decision.undo().ifPresent(plans -> undo.put(plans.runId(), plans));
        events.addAll(decision.events());
        decision.rejection().ifPresent(rejections::add);
        decision.outcome().ifPresent(outcomes::add);
    }

    boolean isEmpty() {
        return states.isEmpty() && rates.isEmpty() && undo.isEmpty() && events.isEmpty() && rejections.isEmpty() && outcomes.isEmpty();
    }

    List<LearningRateChanged> events() {
        return events;
    }

    List<CommandRejected> rejections() {
        return rejections;
    }

    List<CommandOutcome> outcomes() {
        return outcomes;
    }

    /**
     * Every record, keyed by run id (the ledger's by run and worker, in the partition of the run id among
     * {@code partitions}): the states first, then the ledger, then the events, rejections and outcomes.
     */
    List<ProducerRecord<String, String>> records(ToIntFunction<String> partitionOfRun) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        states.values().forEach(state -> records.add(new ProducerRecord<>(Topics.STATE, state.runId(),
                EventJson.write(PrivateLedger.published(state)))));
        rates.values().forEach(worker -> records.add(new ProducerRecord<>(Topics.SCHEDULER_APPLIED, partitionOfRun.applyAsInt(worker.runId()),
                worker.key(), EventJson.write(worker))));
        undo.values().forEach(plans -> records.add(new ProducerRecord<>(Topics.SCHEDULER_UNDO, plans.runId(), EventJson.write(plans))));
        events.forEach(event -> records.add(new ProducerRecord<>(Topics.LR_EVENTS, event.runId(), EventJson.write(event))));
        rejections.forEach(r -> records.add(new ProducerRecord<>(Topics.COMMANDS_REJECTED, r.runId(), EventJson.write(r))));
        outcomes.forEach(o -> records.add(new ProducerRecord<>(Topics.COMMANDS_REPLIES, o.runId(), EventJson.write(o))));
        return records;
    }
}
