package io.lrpipeline.scheduler;

import io.lrpipeline.events.EpochSummary;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.IssuedRate;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.RunState.MemberStatus;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.SchedulePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One run as the scheduler keeps it: the plan and its version, the workers and what they reported, the rates
 * issued, the history of changes. Mutable, not thread-safe: {@link RunSchedules} serialises access.
 * {@link #snapshot} and {@link #restore} turn it into and from the {@link RunState} kept in {@code lr.state}.
 */
final class RunLedger {
    /** History entries kept (the oldest go first): bounds the state record, and the window for duplicate command ids. */
    static final int HISTORY_KEPT = 500;
    /** Changes that can be undone, most recent first. */
    static final int UNDO_KEPT = 50;

    private final String runId;
    private long version;
    private SchedulePlan plan;
    private int workers;
    private int epochs;
    private final Map<String, Member> members;
    private final TreeMap<Integer, IssuedRate> issued;
    private final TreeMap<Integer, EpochSummary> observed;
    private final List<ScheduleChange> history;
    private final List<SchedulePlan> undoable;
    /** When the first worker finished each epoch whose successor is not issued yet; not persisted, rebuilt on restore. */
    private final Map<Integer, Instant> boundaryReachedAt = new HashMap<>();

    private RunLedger(RunState state) {
        this.runId = state.runId();
        this.version = state.scheduleVersion();
        this.plan = state.plan();
        this.workers = state.workers();
        this.epochs = state.epochs();
        this.members = new HashMap<>(state.members());
        this.issued = new TreeMap<>(state.issued());
        this.observed = new TreeMap<>(state.observed());
        this.history = new ArrayList<>(state.history());
        this.undoable = new ArrayList<>(state.undoable());
    }

    static RunLedger create(String runId, SchedulePlan plan, int workers, int epochs, ScheduleChange created) {
        return new RunLedger(new RunState(runId, created.scheduleVersion(), plan, workers, epochs, Map.of(), new TreeMap<>(),
                new TreeMap<>(), List.of(created), List.of(), created.at()));
    }

    /** A ledger from its last snapshot; active workers get a fresh timeout, since the scheduler was away, not they. */
    static RunLedger restore(RunState state, Instant now) {
        RunLedger ledger = new RunLedger(state);
        ledger.members.replaceAll((id, m) -> m.status() == MemberStatus.ACTIVE ? m.seenAt(now) : m);
        return ledger;
    }

    RunState snapshot(Instant now) {
        return new RunState(runId, version, plan, workers, epochs, members, issued, observed, history, undoable, now);
    }

    String runId() {
        return runId;
    }

    long version() {
        return version;
    }

    SchedulePlan plan() {
        return plan;
    }

    int epochs() {
        return epochs;
    }

    List<ScheduleChange> history() {
        return history;
    }

    List<SchedulePlan> undoable() {
        return undoable;
    }

    /** The epoch under way: the last one a rate was issued for, -1 before epoch 0's. */
    int currentEpoch() {
        return issued.isEmpty() ? -1 : issued.lastKey();
    }

    /** The rate {@code epoch} has or, if not issued yet, would have under {@code candidate}. */
    double rateAt(SchedulePlan candidate, int epoch) {
        IssuedRate already = issued.get(epoch);
        return already != null ? already.rate() : candidate.rateAt(epoch, workers, observed);
    }

    /** Records an accepted change: the new plan, the next version, the history entry. */
    void change(SchedulePlan newPlan, ScheduleChange entry, boolean undo) {
        if (undo) {
            undoable.remove(undoable.size() - 1);
        } else {
            undoable.add(plan);
            trim(undoable, UNDO_KEPT);
        }
        plan = newPlan.forgetBefore(issued.isEmpty() ? 0 : issued.lastKey() + 1);
        version = entry.scheduleVersion();
        history.add(entry);
        trim(history, HISTORY_KEPT);
    }

    private static void trim(List<?> list, int kept) {
        if (list.size() > kept) {
            list.subList(0, list.size() - kept).clear();
        }
    }

    /** Something the scheduler noticed, kept in the history without changing the plan. */
    void note(String what, Instant now) {
        history.add(new ScheduleChange(version, "", "notice", "scheduler", what, now, null, currentEpoch(), what));
        trim(history, HISTORY_KEPT);
    }

    /** A worker announced itself; returns true when it came back after being declared lost. */
    boolean join(String workerId, int declaredWorkers, int declaredEpochs, Instant at) {
        workers = Math.max(workers, declaredWorkers);
        epochs = Math.max(epochs, declaredEpochs);
        Member before = members.get(workerId);
        members.put(workerId, before == null ? Member.joined(at) : before.seenAt(at).withStatus(MemberStatus.ACTIVE));
        return before != null && before.status() == MemberStatus.LOST;
    }

    /** Any sign of life; a lost worker that speaks again is active again (true then). */
    boolean seen(String workerId, Instant at) {
        Member member = members.get(workerId);
        if (member == null) {
            members.put(workerId, Member.joined(at));
            return false;
        }
        boolean back = member.status() == MemberStatus.LOST;
        members.put(workerId, back ? member.seenAt(at).withStatus(MemberStatus.ACTIVE) : member.seenAt(at));
        return back;
    }

    void applied(String workerId, int epoch, AppliedRate rate) {
        members.put(workerId, members.get(workerId).applying(epoch, rate));
    }

    NavigableMap<Integer, AppliedRate> appliedBy(String workerId) {
        return members.get(workerId).applied();
    }

    /** A worker finished {@code epoch}; a repeated report (Kafka redelivers) changes nothing and returns false. */
    boolean ended(String workerId, int epoch, double loss, Evaluation validation, Instant now) {
        Member member = members.get(workerId);
        if (member.lastEpochEnded() >= epoch) {
            return false;
        }
        members.put(workerId, member.endedEpoch(epoch));
        observed.put(epoch, observed.getOrDefault(epoch, EpochSummary.NONE).with(loss, validation));
        boundaryReachedAt.putIfAbsent(epoch, now);
        return true;
    }

    void finished(String workerId) {
        members.put(workerId, members.get(workerId).withStatus(MemberStatus.FINISHED));
    }

    /** Active workers silent for longer than {@code timeout} become lost; returns their ids. */
    List<String> expireSilent(Instant now, Duration timeout) {
        List<String> lost = new ArrayList<>();
        members.forEach((id, m) -> {
            if (m.status() == MemberStatus.ACTIVE && m.lastSeen().plus(timeout).isBefore(now)) {
                lost.add(id);
            }
        });
        for (String id : lost) {
            members.put(id, members.get(id).withStatus(MemberStatus.LOST));
        }
        return lost;
    }

    /**
     * The next epoch whose rate is due, if any. Epoch 0's is due once a worker is there. Epoch e+1's is due when every
     * active worker training epoch e has finished it, or {@code grace} after the first did: a straggler further behind
     * does not hold the run, and a slow one holds it for {@code grace} at most.
     */
    Optional<Integer> dueEpoch(Instant now, Duration grace) {
        int next = currentEpoch() + 1;
        if (next >= epochs || members.isEmpty()) {
            return Optional.empty();
        }
        if (next == 0) {
            return Optional.of(0);
        }
        int boundary = next - 1;
        boolean anyFinished = false;
        boolean allInStepFinished = true;
        for (Member m : members.values()) {
            anyFinished |= m.lastEpochEnded() >= boundary;
            if (m.status() == MemberStatus.ACTIVE && m.lastEpochEnded() == boundary - 1) {
                allInStepFinished = false;
            }
        }
        if (!anyFinished) {
            return Optional.empty();
        }
        Instant reached = boundaryReachedAt.computeIfAbsent(boundary, b -> now);
        return allInStepFinished || !reached.plus(grace).isAfter(now) ? Optional.of(next) : Optional.empty();
    }

    /** Issues {@code epoch}'s rate from the plan: recorded here first, then published by the caller. */
    LearningRateChanged issue(int epoch, String eventId, Instant now) {
        double rate = plan.rateAt(epoch, workers, observed);
        boolean held = plan.hold() != null && plan.hold().covers(epoch);
        String reason = (held ? "paused" : plan.segmentAt(epoch).spec().kind()) + " v" + version;
        issued.put(epoch, new IssuedRate(rate, version, eventId, reason, now));
        boundaryReachedAt.remove(epoch - 1);
        return event(epoch, issued.get(epoch));
    }

    /** Every event this run issued, rebuilt exactly from the ledger (to publish one a crash left unsent). */
    List<LearningRateChanged> issuedEvents() {
        List<LearningRateChanged> events = new ArrayList<>();
        issued.forEach((epoch, rate) -> events.add(event(epoch, rate)));
        return events;
    }

    private LearningRateChanged event(int epoch, IssuedRate rate) {
        return new LearningRateChanged(rate.eventId(), runId, epoch, rate.rate(), rate.scheduleVersion(), rate.reason(),
                rate.issuedAt());
    }
}
