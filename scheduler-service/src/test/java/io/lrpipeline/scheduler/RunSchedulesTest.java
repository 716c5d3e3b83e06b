package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandOutcome.Status;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.MemberStatus;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunSchedulesTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private static final SchedulerRules RULES = new SchedulerRules(Presets.named(Presets.KERAS_STEP_DECAY), 1e-6, 1.0,
            Duration.ofSeconds(15), Duration.ofSeconds(120));
    private final AtomicInteger ids = new AtomicInteger();
    private final MutableClock clock = new MutableClock(AT);
    private final RunSchedules schedules = new RunSchedules(RULES, clock, () -> "e" + ids.incrementAndGet());

    @Test
    void firstWorkerToJoinCreatesTheRunAndGetsEpochZerosRate() {
        Decision decision = schedules.onMetric(joined("w0", 2, 10));

        assertThat(decision.states()).singleElement().satisfies(s -> {
            assertThat(s.scheduleVersion()).isEqualTo(1);
            assertThat(s.history()).extracting(RunState.ScheduleChange::type).containsExactly("create");
        });
        assertThat(decision.events()).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate)
                .containsExactly(tuple(0, 0.045));
        assertThat(schedules.onMetric(joined("w1", 2, 10)).events()).isEmpty();
    }

    @Test
    void nextEpochsRateWaitsForEveryWorkerTrainingTheEpoch() {
        twoWorkersJoined();

        assertThat(schedules.onMetric(ended("w0", 0)).events()).isEmpty();
        assertThat(schedules.onMetric(ended("w1", 0)).events()).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate)
                .containsExactly(tuple(1, 0.0423));
    }

    @Test
    void slowWorkerHoldsTheBoundaryForTheGraceOnly() {
        twoWorkersJoined();
        schedules.onMetric(ended("w0", 0));

        clock.advance(Duration.ofSeconds(14));
        assertThat(schedules.tick().events()).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        assertThat(schedules.tick().events()).extracting(LearningRateChanged::epoch).containsExactly(1);
        assertThat(schedules.onMetric(ended("w1", 0)).events()).isEmpty();
    }

    @Test
    void redeliveredMetricIssuesNothingTwice() {
        twoWorkersJoined();
        schedules.onMetric(ended("w0", 0));
        schedules.onMetric(ended("w1", 0));

        assertThat(schedules.onMetric(ended("w1", 0)).events()).isEmpty();
        assertThat(schedules.run("run-1").orElseThrow().observed().get(0).loss().count()).isEqualTo(2);
    }

    @Test
    void silentWorkerIsDeclaredLostAndStopsHoldingTheRun() {
        twoWorkersJoined();
        clock.advance(Duration.ofSeconds(100));
        schedules.onMetric(new IterationCompleted("run-1", "w0", 0, 5, 1.0, AT));
        clock.advance(Duration.ofSeconds(30));

        Decision decision = schedules.tick();

        RunState state = decision.states().get(0);
        assertThat(state.members().get("w1").status()).isEqualTo(MemberStatus.LOST);
        assertThat(state.members().get("w0").status()).isEqualTo(MemberStatus.ACTIVE);
        assertThat(state.history()).last().extracting(RunState.ScheduleChange::summary).asString().contains("worker w1 lost");
        assertThat(schedules.onMetric(ended("w0", 0)).events()).extracting(LearningRateChanged::epoch).containsExactly(1);
    }

    @Test
    void appliesNewScheduleFromNextEpochAndBumpsTheVersion() {
        twoWorkersJoined();

        Decision decision = schedules.onCommand(command("c-1", "\"type\": \"override\", \"learningRate\": 0.01"));

        assertThat(decision.outcome()).hasValueSatisfying(o -> {
            assertThat(o.status()).isEqualTo(Status.ACCEPTED);
            assertThat(o.effectiveFromEpoch()).isEqualTo(1);
            assertThat(o.scheduleVersion()).isEqualTo(2);
            assertThat(o.curve().subList(0, 3)).containsExactly(0.045, 0.01, 0.01);
        });
        schedules.onMetric(ended("w0", 0));
        assertThat(schedules.onMetric(ended("w1", 0)).events()).extracting(LearningRateChanged::learningRate,
                LearningRateChanged::scheduleVersion).containsExactly(tuple(0.01, 2L));
    }

    @Test
    void changeForAnEpochAlreadyStartedAppliesFromTheNextOneAndSaysSo() {
        twoWorkersJoined();

        CommandOutcome outcome = schedules.onCommand(command("c-1", "\"type\": \"override\", \"learningRate\": 0.01, \"fromEpoch\": 0"))
                .outcome().orElseThrow();

        assertThat(outcome.effectiveFromEpoch()).isEqualTo(1);
        assertThat(outcome.message()).contains("epoch 0 has already started, so this applies from epoch 1");
    }

    @Test
    void undoRestoresThePlanBeforeTheLastChange() {
        twoWorkersJoined();
        schedules.onCommand(command("c-1", "\"type\": \"override\", \"learningRate\": 0.01"));

        CommandOutcome outcome = schedules.onCommand(command("c-2", "\"type\": \"undo\"")).outcome().orElseThrow();

        assertThat(outcome.scheduleVersion()).isEqualTo(3);
        assertThat(outcome.curve().subList(0, 3)).containsExactly(0.045, 0.0423, 0.0423);
        assertThat(schedules.onCommand(command("c-3", "\"type\": \"undo\"")).rejection()).hasValueSatisfying(
                r -> assertThat(r.reason()).contains("no change left to undo"));
    }

    @Test
    void pauseHoldsTheCurrentRateAndResumeGoesBackToTheSchedule() {
        twoWorkersJoined();
        schedules.onCommand(command("c-1", "\"type\": \"pause\""));

        CommandOutcome resumed = schedules.onCommand(command("c-2", "\"type\": \"resume\", \"fromEpoch\": 3")).outcome().orElseThrow();

        assertThat(resumed.curve().subList(0, 4)).containsExactly(0.045, 0.045, 0.045, 0.039762);
    }

    @Test
    void previewShowsTheCurveAndChangesNothing() {
        twoWorkersJoined();

        Decision decision = schedules.onCommand("{\"commandId\": \"p\", \"runId\": \"run-1\", \"type\": \"preview\", \"epochs\": 3, "
                + "\"schedule\": {\"kind\": \"exponential\", \"params\": {\"initial\": 0.1, \"gamma\": 0.5}}}");

        assertThat(decision.outcome()).hasValueSatisfying(o -> {
            assertThat(o.status()).isEqualTo(Status.PREVIEW);
            assertThat(o.curve()).containsExactly(0.045, 0.05, 0.025);
        });
        assertThat(decision.states()).isEmpty();
        assertThat(schedules.run("run-1").orElseThrow().scheduleVersion()).isEqualTo(1);
    }

    @Test
    void rejectsWithoutChangingState() {
        twoWorkersJoined();
        RunState before = schedules.run("run-1").orElseThrow();
        schedules.onCommand(command("dup", "\"type\": \"pause\""));
        RunState afterPause = schedules.run("run-1").orElseThrow();

        for (String bad : List.of(
                command("c-1", "\"type\": \"override\", \"learningRate\": 5.0"),
                command("c-2", "\"type\": \"override\", \"learningRate\": 1e-9"),
                command("dup", "\"type\": \"resume\""),
                command("c-3", "\"type\": \"override\", \"learningRate\": 0.01, \"fromEpoch\": 10"),
                command("c-4", "\"type\": \"set-schedule\", \"schedule\": {\"kind\": \"exponential\", \"params\": {\"initial\": 0.1, \"gamma\": 3}}"),
                "{\"commandId\": \"c-5\", \"runId\": \"nobody\", \"type\": \"undo\", \"by\": \"ops\"}",
                "not json at all")) {
            Decision decision = schedules.onCommand(bad);
            assertThat(decision.rejection()).as(bad).isPresent();
            assertThat(decision.states()).as(bad).isEmpty();
        }
        assertThat(schedules.run("run-1").orElseThrow()).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(afterPause);
        assertThat(afterPause.scheduleVersion()).isEqualTo(before.scheduleVersion() + 1);
    }

    @Test
    void rejectsAnEpochInThePast() {
        twoWorkersJoined();
        schedules.onMetric(ended("w0", 0));
        schedules.onMetric(ended("w1", 0));
        schedules.onMetric(ended("w0", 1));
        schedules.onMetric(ended("w1", 1));

        assertThat(schedules.onCommand(command("c-1", "\"type\": \"override\", \"learningRate\": 0.01, \"fromEpoch\": 1")).rejection())
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("epoch 1 is in the past: run run-1 is training epoch 2"));
    }

    @Test
    void restoredSchedulerGoesOnWhereTheOldOneStopped() {
        twoWorkersJoined();
        schedules.onCommand(command("c-1", "\"type\": \"override\", \"learningRate\": 0.01, \"fromEpoch\": 2"));
        schedules.onMetric(ended("w0", 0));
        schedules.onMetric(ended("w1", 0));
        RunSchedules restarted = new RunSchedules(RULES, clock, () -> "r" + ids.incrementAndGet());

        restarted.restore(List.of(schedules.run("run-1").orElseThrow()));

        assertThat(restarted.issuedEvents()).isEqualTo(schedules.issuedEvents());
        assertThat(restarted.onMetric(ended("w0", 0)).events()).isEmpty();
        restarted.onMetric(ended("w0", 1));
        assertThat(restarted.onMetric(ended("w1", 1)).events()).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate,
                LearningRateChanged::scheduleVersion).containsExactly(tuple(2, 0.01, 2L));
        assertThat(restarted.onCommand(command("c-1", "\"type\": \"undo\"")).rejection()).isPresent();
    }

    @Test
    void stateStaysBoundedAndReadableAfterManyCommands() {
        twoWorkersJoined();
        for (int n = 0; n < 1200; n++) {
            schedules.onCommand(command("many-" + n, "\"type\": \"override\", \"learningRate\": " + (0.001 + n * 1e-6)));
        }

        RunState state = schedules.run("run-1").orElseThrow();
        assertThat(state.scheduleVersion()).isEqualTo(1201);
        assertThat(state.history()).hasSize(RunLedger.HISTORY_KEPT);
        assertThat(state.undoable()).hasSize(RunLedger.UNDO_KEPT);
        assertThat(io.lrpipeline.events.EventJson.read(io.lrpipeline.events.EventJson.write(state), RunState.class)).isEqualTo(state);
    }

    private void twoWorkersJoined() {
        schedules.onMetric(joined("w0", 2, 10));
        schedules.onMetric(joined("w1", 2, 10));
    }

    private static WorkerJoined joined(String worker, int workers, int epochs) {
        return new WorkerJoined("run-1", worker, workers, epochs, 0, 0, Map.of(), AT);
    }

    private static EpochEnded ended(String worker, int epoch) {
        return new EpochEnded("run-1", worker, epoch, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.045, AT);
    }

    private static String command(String id, String fields) {
        return "{\"commandId\": \"" + id + "\", \"runId\": \"run-1\", \"by\": \"ops\", " + fields + "}";
    }
}
