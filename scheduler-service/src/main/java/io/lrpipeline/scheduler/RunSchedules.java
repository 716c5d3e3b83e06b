package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandOutcome.Status;
import io.lrpipeline.events.CommandParser;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.LearningRateCommand;
import io.lrpipeline.events.LearningRateCommand.Type;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The scheduler's decisions, free of Kafka and Quarkus: what to publish in answer to what the workers report, to an
 * operator's command, and to time passing. A run gets the default schedule when its first worker joins; epoch 0's
 * rate goes out then, and epoch e+1's once the run is past the boundary ({@link RunLedger#dueEpoch}). Each epoch's
 * rate is issued once and never changed, so every worker of a run applies the same rate at the same epoch.
 * All methods are synchronised: decisions are made on {@link DecisionLoop}'s thread, the REST API reads on others.
 */
public final class RunSchedules {
    private final SchedulerRules rules;
    private final ScheduleChanges changes;
    private final Clock clock;
    private final Supplier<String> eventIds;
    private final Map<String, RunLedger> runs = new TreeMap<>();

    public RunSchedules(SchedulerRules rules, Clock clock, Supplier<String> eventIds) {
        this.rules = rules;
        this.changes = new ScheduleChanges(rules);
        this.clock = clock;
        this.eventIds = eventIds;
    }

    /** Takes back the runs a scheduler kept in {@code lr.state}; the newest state of each run wins. */
    public synchronized void restore(Collection<RunState> states) {
        Instant now = clock.instant();
        for (RunState state : states) {
            RunLedger known = runs.get(state.runId());
            if (known == null || known.version() <= state.scheduleVersion()) {
                runs.put(state.runId(), RunLedger.restore(state, now));
            }
        }
    }

    /** Drops the runs this instance no longer owns: another scheduler decides for them now. */
    public synchronized void forget(Predicate<String> runIds) {
        runs.keySet().removeIf(runIds);
    }

    /** Every event the runs issued, as issued: the caller publishes those that a crash kept off {@code lr.events}. */
    public synchronized List<LearningRateChanged> issuedEvents() {
        List<LearningRateChanged> events = new ArrayList<>();
        runs.values().forEach(run -> events.addAll(run.issuedEvents()));
        return events;
    }

    public synchronized Optional<RunState> run(String runId) {
        RunLedger run = runs.get(runId);
        return run == null ? Optional.empty() : Optional.of(run.snapshot(clock.instant()));
    }

    /** The planned rate of each epoch of {@code run} (issued epochs as issued), as the page draws it. */
    public List<Double> plannedCurve(RunState run) {
        return changes.curve(RunLedger.restore(run, clock.instant()), run.plan(), null);
    }

    public synchronized Decision onMetric(TrainingMetric metric) {
        Instant now = clock.instant();
        RunLedger run = runs.get(metric.runId());
        boolean changed = false;
        if (run == null) {
            int workers = metric instanceof WorkerJoined joined ? joined.workers() : 1;
            int epochs = metric instanceof WorkerJoined joined ? joined.epochs() : Integer.MAX_VALUE;
            run = RunLedger.create(metric.runId(), SchedulePlan.of(rules.defaultSchedule()), workers, epochs,
                    new ScheduleChange(1, "", "create", "scheduler", "first worker joined", now, 0, 0,
                            rules.defaultSchedule().kind() + " " + rules.defaultSchedule().params() + " (the default)"));
            runs.put(metric.runId(), run);
            changed = true;
        }
        if (metric instanceof WorkerJoined joined) {
            changed = true;
            if (run.join(joined.workerId(), joined.workers(), joined.epochs(), now)) {
                run.note("worker " + joined.workerId() + " is back", now);
            }
        } else if (run.seen(metric.workerId(), now)) {
            run.note("worker " + metric.workerId() + " is back", now);
            changed = true;
        }
        WorkerRates rates = null;
        if (metric instanceof EpochStarted started) {
            run.applied(started.workerId(), started.epoch(),
                    new AppliedRate(started.learningRate(), started.scheduleVersion(), started.source()));
            rates = new WorkerRates(run.runId(), started.workerId(), run.appliedBy(started.workerId()));
            changed = true;
        } else if (metric instanceof EpochEnded ended) {
            changed |= run.ended(ended.workerId(), ended.epoch(), ended.loss(), ended.validation(), now);
        } else if (metric instanceof WorkerFinished finished) {
            run.finished(finished.workerId());
            changed = true;
        }
        Decision decision = issueDue(run, changed, now);
        return rates == null ? decision : decision.withRates(rates);
    }

    /** Advances the clock: boundaries whose grace is over get their rate, silent workers are declared lost. */
    public synchronized Decision tick() {
        Instant now = clock.instant();
        List<RunState> states = new ArrayList<>();
        List<LearningRateChanged> events = new ArrayList<>();
        for (RunLedger run : runs.values()) {
            boolean changed = false;
            for (String lost : run.expireSilent(now, rules.workerTimeout())) {
                run.note("worker " + lost + " lost: silent for more than " + rules.workerTimeout().toSeconds() + " s", now);
                changed = true;
            }
            Decision decision = issueDue(run, changed, now);
            states.addAll(decision.states());
            events.addAll(decision.events());
        }
        return Decision.of(states, events);
    }

    public synchronized Decision onCommand(String payload) {
        Instant now = clock.instant();
        LearningRateCommand command;
        try {
            command = CommandParser.parse(payload);
        } catch (InvalidEventException e) {
            Map<String, String> identity = CommandParser.identity(payload);
            String runId = identity.get("runId");
            return reject(identity.get("commandId"), runId, runId != null && runs.containsKey(runId), payload, e.getMessage(), now);
        }
        RunLedger run = runs.get(command.runId());
        if (run == null) {
            return reject(command.commandId(), command.runId(), false, payload, "unknown run '" + command.runId() + "' (known: "
                    + (runs.isEmpty() ? "none" : String.join(", ", runs.keySet().stream().limit(20).toList())) + ")", now);
        }
        ScheduleChanges.Accepted accepted;
        try {
            accepted = changes.decide(run, command);
        } catch (ScheduleChanges.Refused refused) {
            return reject(command.commandId(), command.runId(), true, payload, refused.getMessage(), now);
        } catch (RuntimeException e) {
            // a bug must not cost the service: the run is untouched until change() below
            return reject(command.commandId(), command.runId(), true, payload, "cannot apply this command: " + e, now);
        }
        if (!command.changesState()) {
            return Decision.answered(List.of(), new CommandOutcome(command.commandId(), command.runId(), Status.PREVIEW,
                    "preview: " + accepted.note() + "; nothing changed", command.fromEpoch(), accepted.effectiveFromEpoch(),
                    run.version(), changes.curve(run, accepted.plan(), command.epochs()), now));
        }
        run.change(accepted.plan(), changes.entry(run, command, accepted, now), command.type() == Type.UNDO);
        return Decision.answered(List.of(run.snapshot(now)), new CommandOutcome(command.commandId(), command.runId(),
                Status.ACCEPTED, command.type().wireName() + " accepted as version " + run.version() + ": " + accepted.note(),
                command.fromEpoch(), accepted.effectiveFromEpoch(), run.version(), changes.curve(run, run.plan(), null), now))
                .withUndo(new UndoablePlans(run.runId(), run.undoable()));
    }

    private Decision issueDue(RunLedger run, boolean changed, Instant now) {
        List<LearningRateChanged> events = new ArrayList<>();
        for (Optional<Integer> due = run.dueEpoch(now, rules.boundaryGrace()); due.isPresent();
                due = run.dueEpoch(now, rules.boundaryGrace())) {
            events.add(run.issue(due.get(), eventIds.get(), now));
        }
        return changed || !events.isEmpty() ? Decision.of(List.of(run.snapshot(now)), events) : Decision.NONE;
    }

    private static Decision reject(String commandId, String runId, boolean runKnown, String payload, String reason, Instant now) {
        return Decision.rejected(CommandRejected.of(commandId, runId, runKnown, payload, reason, now),
                new CommandOutcome(commandId, runId, Status.REJECTED, reason, null, null, 0, List.of(), now));
    }
}
