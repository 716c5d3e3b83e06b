package io.lrpipeline.events;

import io.lrpipeline.events.schedule.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * What a run's learning rate is from each epoch on: schedule segments, each in force from its epoch until the
 * next, and at most one hold (a pause) that keeps a fixed rate over a range of epochs. Changes make new plans;
 * a plan never changes an epoch below the one a change takes effect from.
 */
public record SchedulePlan(List<Segment> segments, Hold hold) {
    /** {@code spec} is in force from {@code fromEpoch} until the next segment. */
    public record Segment(int fromEpoch, ScheduleSpec spec) {
        public Segment {
            Validation.requireEpoch(fromEpoch);
            spec.validate();
        }
    }

    /** The rate held at {@code rate} from {@code fromEpoch} until {@code untilEpoch} (exclusive; null while paused). */
    public record Hold(int fromEpoch, Integer untilEpoch, double rate) {
        public boolean covers(int epoch) {
            return epoch >= fromEpoch && (untilEpoch == null || epoch < untilEpoch);
        }
    }

    public SchedulePlan {
        segments = List.copyOf(segments);
        if (segments.isEmpty() || segments.get(0).fromEpoch() != 0) {
            throw new IllegalArgumentException("a plan starts with a segment at epoch 0");
        }
    }

    public static SchedulePlan of(ScheduleSpec spec) {
        return new SchedulePlan(List.of(new Segment(0, spec)), null);
    }

    /** Whether a hold is open: the run is paused from some epoch on. */
    public boolean paused() {
        return hold != null && hold.untilEpoch() == null;
    }

    /** The segment in force at {@code epoch}. */
    public Segment segmentAt(int epoch) {
        Segment found = segments.get(0);
        for (Segment segment : segments) {
            if (segment.fromEpoch() <= epoch) {
                found = segment;
            }
        }
        return found;
    }

    /**
     * The rate of {@code epoch} in a run of {@code workers} workers; {@code observed} holds the run's metrics per
     * finished epoch, which a {@code reduce-on-plateau} segment reads from its own first epoch on.
     */
    public double rateAt(int epoch, int workers, NavigableMap<Integer, EpochSummary> observed) {
        if (hold != null && hold.covers(epoch)) {
            return hold.rate();
        }
        Segment segment = segmentAt(epoch);
        List<Double> watched = new ArrayList<>();
        if (segment.spec().isMetricDriven()) {
            var monitor = segment.spec().plateau().monitor();
            observed.subMap(segment.fromEpoch(), true, epoch, false).values().forEach(s -> watched.add(s.value(monitor)));
        }
        return segment.spec().rate(epoch, workers, watched);
    }

    /** This plan with {@code spec} in force from {@code epoch} on: later segments go, a hold ends there. */
    public SchedulePlan from(int epoch, ScheduleSpec spec) {
        List<Segment> kept = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment.fromEpoch() < epoch) {
                kept.add(segment);
            }
        }
        kept.add(new Segment(epoch, spec));
        return new SchedulePlan(kept, endHold(epoch));
    }

    /**
     * This plan for the epochs from {@code epoch} on, and no longer than that needs: the segments that end before
     * {@code epoch} go, and the one in force at {@code epoch} also stands in for epoch 0 (a plan starts there; the
     * epochs before {@code epoch} are no concern of it). The rate of every epoch from {@code epoch} on is unchanged,
     * a plateau's watched epochs included; without this, every change would add a segment that stays forever.
     */
    public SchedulePlan forgetBefore(int epoch) {
        Segment current = segmentAt(epoch);
        if (current.fromEpoch() == 0) {
            return this;
        }
        List<Segment> kept = new ArrayList<>(List.of(new Segment(0, current.spec())));
        segments.stream().filter(segment -> segment.fromEpoch() >= current.fromEpoch()).forEach(kept::add);
        return new SchedulePlan(kept, hold != null && hold.untilEpoch() != null && hold.untilEpoch() <= epoch ? null : hold);
    }

    /** This plan holding {@code rate} from {@code epoch} on, until resumed. */
    public SchedulePlan pausedAt(int epoch, double rate) {
        return new SchedulePlan(segments, new Hold(epoch, null, rate));
    }

    /** This plan back on its segments from {@code epoch} on. */
    public SchedulePlan resumedAt(int epoch) {
        return new SchedulePlan(segments, endHold(epoch));
    }

    private Hold endHold(int epoch) {
        if (hold == null || hold.fromEpoch() >= epoch) {
            return null;
        }
        int until = hold.untilEpoch() == null ? epoch : Math.min(hold.untilEpoch(), epoch);
        return new Hold(hold.fromEpoch(), until, hold.rate());
    }
}
