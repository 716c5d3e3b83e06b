package io.lrpipeline.scheduler;

import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Duration;

/**
 * The scheduler's policy, free of Quarkus: the schedule a new run gets, the bounds every rate must stay within,
 * how long a run waits at an epoch boundary for slower workers, and after how much silence a worker counts as lost.
 */
public record SchedulerRules(ScheduleSpec defaultSchedule, double minLearningRate, double maxLearningRate, Duration boundaryGrace,
        Duration workerTimeout) {
    /** How far ahead a plan is checked, and previewed, when a run does not say how many epochs it trains. */
    static final int OPEN_ENDED_HORIZON = 100;

    public SchedulerRules {
        defaultSchedule.validate();
        if (!(minLearningRate > 0 && minLearningRate < maxLearningRate && Double.isFinite(maxLearningRate))) {
            throw new IllegalArgumentException("learning-rate bounds need 0 < min < max, got [" + minLearningRate + ", "
                    + maxLearningRate + "]");
        }
    }

    boolean allows(double rate) {
        return rate >= minLearningRate && rate <= maxLearningRate;
    }

    String bounds() {
        return "[" + minLearningRate + ", " + maxLearningRate + "]";
    }
}
