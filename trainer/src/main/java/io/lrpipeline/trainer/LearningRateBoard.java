package io.lrpipeline.trainer;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one worker knows of its run's learning rates: the scheduler's events by epoch (the newest schedule
 * version wins) and the run's last state. The Kafka thread writes, the training thread waits on it.
 */
public final class LearningRateBoard {
    private final String runId;
    private final Map<Integer, LearningRateChanged> byEpoch = new HashMap<>();
    private final ScheduleSpec fallback;
    private RunState lastState;

    /** {@code fallback} is the schedule used when the scheduler never answered and no state was seen. */
    public LearningRateBoard(String runId, ScheduleSpec fallback) {
        this.runId = runId;
        this.fallback = fallback;
    }

    public synchronized void offer(LearningRateChanged event) {
        if (!event.runId().equals(runId)) {
            return;
        }
        byEpoch.merge(event.epoch(), event, (old, neu) -> neu.scheduleVersion() >= old.scheduleVersion() ? neu : old);
        notifyAll();
    }

    public synchronized void offer(RunState state) {
        if (state.runId().equals(runId) && (lastState == null || state.scheduleVersion() >= lastState.scheduleVersion())) {
            lastState = state;
        }
    }

    /** Whether the scheduler's rate for {@code epoch} is here already. */
    public synchronized boolean has(int epoch) {
        return byEpoch.containsKey(epoch);
    }

    /**
     * The rate for {@code epoch}: the scheduler's event if it comes within {@code timeout}, otherwise the
     * rate the run's last known plan gives (or the fallback schedule when no state was seen), and the decision says so.
     */
    public synchronized RateDecision await(int epoch, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long remaining = timeout.toNanos();
        while (!byEpoch.containsKey(epoch) && remaining > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
            remaining = deadline - System.nanoTime();
        }
        LearningRateChanged event = byEpoch.get(epoch);
        if (event != null) {
            return new RateDecision(event.learningRate(), event.scheduleVersion(), RateSource.SCHEDULER, event.eventId());
        }
        if (lastState != null) {
            return new RateDecision(lastState.rateAt(epoch), lastState.scheduleVersion(), RateSource.FALLBACK, "");
        }
        return new RateDecision(fallback.schedule().at(epoch), 0, RateSource.FALLBACK, "");
    }
}
