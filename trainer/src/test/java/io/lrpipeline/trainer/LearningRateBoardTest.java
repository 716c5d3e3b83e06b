package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LearningRateBoardTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private final LearningRateBoard board = new LearningRateBoard("run-1", Presets.named(Presets.INCEPTION_V4));

    @Test
    void givesTheSchedulersRateForTheEpoch() throws Exception {
        board.offer(new LearningRateChanged("e2", "run-1", 2, 0.0423, 1, "", AT));

        assertThat(board.await(2, Duration.ZERO)).isEqualTo(new RateDecision(0.0423, 1, RateSource.SCHEDULER, "e2"));
    }

    @Test
    void newerScheduleVersionWinsForTheSameEpoch() throws Exception {
        board.offer(new LearningRateChanged("e-new", "run-1", 1, 0.01, 3, "", AT));
        board.offer(new LearningRateChanged("e-old", "run-1", 1, 0.045, 1, "", AT));

        assertThat(board.await(1, Duration.ZERO).eventId()).isEqualTo("e-new");
    }

    @Test
    void ignoresOtherRuns() throws Exception {
        board.offer(new LearningRateChanged("e0", "run-2", 0, 0.5, 1, "", AT));

        assertThat(board.await(0, Duration.ofMillis(10)).source()).isEqualTo(RateSource.FALLBACK);
    }

    @Test
    void waitsForAnEventThatArrivesLater() throws Exception {
        CompletableFuture<RateDecision> decision = CompletableFuture.supplyAsync(() -> {
            try {
                return board.await(0, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        board.offer(new LearningRateChanged("e0", "run-1", 0, 0.045, 1, "", AT));

        assertThat(decision.get(30, TimeUnit.SECONDS).source()).isEqualTo(RateSource.SCHEDULER);
    }

    @Test
    void fallsBackToTheLastSpecFromStateWhenTheSchedulerIsSilent() throws Exception {
        board.offer(stateOf("run-1", new ScheduleSpec("constant", Map.of("rate", 0.002)), 4));

        assertThat(board.await(7, Duration.ofMillis(20))).isEqualTo(new RateDecision(0.002, 4, RateSource.FALLBACK, ""));
    }

    @Test
    void fallsBackToItsConfiguredPresetWithoutState() throws Exception {
        assertThat(board.await(2, Duration.ofMillis(20)).learningRate()).isEqualTo(0.045 * 0.94);
    }

    /** The state a scheduler publishes for a run on {@code spec} at {@code version}, before any worker joined. */
    private static RunState stateOf(String runId, ScheduleSpec spec, long version) {
        return new RunState(runId, version, SchedulePlan.of(spec), 1, 10, Map.of(), new TreeMap<>(), new TreeMap<>(), List.of(),
                List.of(), AT);
    }
}
