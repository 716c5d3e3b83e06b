package io.lrpipeline.events;

import io.lrpipeline.events.TrainingMetric.RateSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the scheduler knows of a run, kept in the compacted {@link Topics#STATE} topic keyed by run id, so that
 * a restarted scheduler resumes with nothing lost and a late or restarted worker can take the current plan.
 *
 * @param plan the rates from each epoch on, as of {@code scheduleVersion}
 * @param workers the number of workers the run was started with (what worker scaling divides by)
 * @param epochs the number of epochs the run trains; no rate is issued beyond
 * @param members every worker that announced itself, with what it did last
 * @param issued the rate event published for each epoch: published once, never changed
 * @param observed the run's mean metrics per finished epoch (what {@code reduce-on-plateau} reads)
 * @param history every accepted change, oldest first, with who, when and why
 * @param undoable the plans that undo would restore, most recent last
 */
public record RunState(
        String runId,
        long scheduleVersion,
        SchedulePlan plan,
        int workers,
        int epochs,
        Map<String, Member> members,
        NavigableMap<Integer, IssuedRate> issued,
        NavigableMap<Integer, EpochSummary> observed,
        List<ScheduleChange> history,
        List<SchedulePlan> undoable,
        Instant updatedAt) implements Versioned {

    /** A worker of the run: the last epoch it finished (-1 before the first), when it was last heard of, the rates it applied. */
    public record Member(int lastEpochEnded, Instant lastSeen, MemberStatus status, NavigableMap<Integer, AppliedRate> applied) {
        public Member {
            applied = new TreeMap<>(applied);
        }

        /** A worker just announced, that has finished no epoch yet. */
        public static Member joined(Instant at) {
            return new Member(-1, at, MemberStatus.ACTIVE, new TreeMap<>());
        }

        public Member seenAt(Instant at) {
            return new Member(lastEpochEnded, at, status, applied);
        }

        public Member withStatus(MemberStatus newStatus) {
            return new Member(lastEpochEnded, lastSeen, newStatus, applied);
        }

        public Member endedEpoch(int epoch) {
            return new Member(epoch, lastSeen, status, applied);
        }

        public Member applying(int epoch, AppliedRate rate) {
            NavigableMap<Integer, AppliedRate> more = new TreeMap<>(applied);
            more.put(epoch, rate);
            return new Member(lastEpochEnded, lastSeen, status, more);
        }
    }

    /** Whether a worker is training, has finished its epochs, or went silent for longer than the scheduler waits. */
    public enum MemberStatus { ACTIVE, FINISHED, LOST }

    /** The rate a worker reports it applied to an epoch, and where it came from. */
    public record AppliedRate(double rate, long scheduleVersion, RateSource source) {}

    /** The event published for an epoch, as published. */
    public record IssuedRate(double rate, long scheduleVersion, String eventId, String reason, Instant issuedAt) {}

    /**
     * One entry of the run's history: an accepted command, or something the scheduler noticed (a worker lost or back).
     * {@code requestedFromEpoch} is what the command asked for (null: the next epoch), {@code effectiveFromEpoch}
     * what it got.
     */
    public record ScheduleChange(long scheduleVersion, String commandId, String type, String by, String why, Instant at,
            Integer requestedFromEpoch, int effectiveFromEpoch, String summary) {}

    public RunState {
        Validation.requireRunId("runId", runId);
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(updatedAt, "updatedAt");
        members = Map.copyOf(members);
        issued = new TreeMap<>(issued);
        observed = new TreeMap<>(observed);
        history = List.copyOf(history);
        undoable = List.copyOf(undoable);
    }

    /** The rate the plan gives {@code epoch}: what a worker uses when the scheduler does not answer in time. */
    public double rateAt(int epoch) {
        IssuedRate already = issued.get(epoch);
        return already != null ? already.rate() : plan.rateAt(epoch, workers, observed);
    }
}
