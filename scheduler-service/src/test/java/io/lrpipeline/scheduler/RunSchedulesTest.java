package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunSchedulesTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private final AtomicInteger ids = new AtomicInteger();
    private final RunSchedules schedules = new RunSchedules(Presets.named(Presets.KERAS_STEP_DECAY),
            Clock.fixed(AT, ZoneOffset.UTC), () -> "e" + ids.incrementAndGet());

    private static EpochEnded ended(String worker, int epoch) {
        return new EpochEnded("run-1", worker, epoch, 4, 2.0, 0.1, 5.0, 0.045, AT);
    }

    @Test
    void firstWorkerToJoinGetsTheRunItsStateAndEpochZerosRate() {
        RunSchedules.Reaction reaction = schedules.onMetric(new WorkerJoined("run-1", "worker-0", 2, 4, AT));

        assertThat(reaction.state()).hasValueSatisfying(s -> {
            assertThat(s.spec()).isEqualTo(Presets.named(Presets.KERAS_STEP_DECAY));
            assertThat(s.scheduleVersion()).isEqualTo(1);
        });
        assertThat(reaction.events()).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 0.045));
    }

    @Test
    void secondWorkerJoiningPublishesNothingNew() {
        schedules.onMetric(new WorkerJoined("run-1", "worker-0", 2, 4, AT));

        assertThat(schedules.onMetric(new WorkerJoined("run-1", "worker-1", 2, 4, AT))).isEqualTo(RunSchedules.Reaction.NONE);
    }

    @Test
    void answersAnEpochEndWithTheNextEpochsRateOncePerRun() {
        schedules.onMetric(new WorkerJoined("run-1", "worker-0", 2, 4, AT));

        assertThat(schedules.onMetric(ended("worker-0", 0)).events())
                .extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate, LearningRateChanged::scheduleVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 0.045 * 0.94, 1L));
        assertThat(schedules.onMetric(ended("worker-1", 0)).events()).isEmpty();
    }

    @Test
    void publishesNothingPastTheLastEpoch() {
        schedules.onMetric(new WorkerJoined("run-1", "worker-0", 1, 2, AT));

        assertThat(schedules.onMetric(ended("worker-0", 1)).events()).isEmpty();
    }

    @Test
    void ignoresIterationMetrics() {
        assertThat(schedules.onMetric(new IterationCompleted("run-1", "worker-0", 0, 3, 2.2, AT))).isEqualTo(RunSchedules.Reaction.NONE);
    }

    @Test
    void refusesABrokenDefaultScheduleAtStart() {
        assertThatThrownBy(() -> new RunSchedules(new ScheduleSpec("step-decay", Map.of()), Clock.systemUTC(), () -> "e"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
