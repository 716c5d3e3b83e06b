package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a big run costs on the topics: 64 workers × 1,000 epochs, every worker reporting every epoch's start and end.
 * Its {@code lr.state} record and each worker's ledger record stay far below Kafka's 1 MB default record size (and
 * the 900 KiB a reader accepts), because the applied rates, workers × epochs, are kept per worker in the ledger.
 */
class StateSizeTest {
    private static final int WORKERS = 64;
    private static final int EPOCHS = 1_000;

    @Test
    void aRunOf64WorkersAnd1000EpochsKeepsEveryRecordSmall() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        RunSchedules schedules = schedules(clock);
        String run = "run-64-workers-1000-epochs";
        List<Decision> last = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            schedules.onMetric(new WorkerJoined(run, "worker-" + w, WORKERS, EPOCHS, 0, 0, Map.of(), clock.instant()));
        }
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            last.clear();
            for (int w = 0; w < WORKERS; w++) {
                last.add(schedules.onMetric(new EpochStarted(run, "worker-" + w, epoch, 0.045, 1, RateSource.SCHEDULER, UUID.randomUUID().toString(),
                        epoch * 100L, clock.instant())));
                last.add(schedules.onMetric(new EpochEnded(run, "worker-" + w, epoch, 100, 1.234, new Evaluation(1.1, 0.5, 0.9, 256), 12.3,
                        0.045, clock.instant())));
            }
            clock.advance(Duration.ofMinutes(10));
        }

        Publication publication = new Publication();
        last.forEach(publication::add);
        int state = publication.records(runId -> 0).stream().filter(r -> r.topic().equals(Topics.STATE))
                .mapToInt(r -> r.value().length()).max().orElseThrow();
        int ledger = publication.records(runId -> 0).stream().filter(r -> r.topic().equals(Topics.SCHEDULER_APPLIED))
                .mapToInt(r -> r.value().length()).max().orElseThrow();
        int everything = EventJson.write(schedules.run(run).orElseThrow()).length();
        System.out.printf("%d workers × %d epochs: lr.state record %,d characters, largest ledger record %,d (the whole state, rates "
                + "included, would be %,d)%n", WORKERS, EPOCHS, state, ledger, everything);
        assertThat(state).isLessThan(512 * 1024);
        assertThat(ledger).isLessThan(128 * 1024);
    }

    private static RunSchedules schedules(MutableClock clock) {
        return new RunSchedules(new SchedulerRules(Presets.named("inception-v4"), 1e-6, 1.0, Duration.ofSeconds(15), Duration.ofSeconds(120)),
                clock, () -> UUID.randomUUID().toString());
    }

    /** An override at every one of 1,000 epochs: the plan keeps only what is still to come, the undo stack its 50 plans. */
    @Test
    void aThousandOverridesKeepThePlanAndItsUndoStackSmall() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        RunSchedules schedules = schedules(clock);
        String run = "run-1000-overrides";
        schedules.onMetric(new WorkerJoined(run, "worker-0", 1, EPOCHS, 0, 0, Map.of(), clock.instant()));
        Decision accepted = Decision.NONE;
        for (int epoch = 0; epoch < EPOCHS - 1; epoch++) {
            accepted = schedules.onCommand("""
                    {"commandId": "o-%d", "runId": "%s", "type": "override", "learningRate": %s, "by": "ops"}"""
                    .formatted(epoch, run, epoch % 2 == 0 ? "0.01" : "0.02"));
            assertThat(accepted.outcome().orElseThrow().status()).isEqualTo(CommandOutcome.Status.ACCEPTED);
            schedules.onMetric(new EpochEnded(run, "worker-0", epoch, 100, 1.234, new Evaluation(1.1, 0.5, 0.9, 256), 12.3, 0.045,
                    clock.instant()));
            clock.advance(Duration.ofMinutes(10));
        }
        var state = schedules.run(run).orElseThrow();
        int chars = EventJson.write(PrivateLedger.published(state)).length();
        Publication lastCommand = new Publication();
        lastCommand.add(accepted);
        int undo = lastCommand.records(runId -> 0).stream().filter(r -> r.topic().equals(Topics.SCHEDULER_UNDO))
                .mapToInt(r -> r.value().length()).max().orElseThrow();
        System.out.printf("%d overrides: lr.state record %,d characters, plan of %d segments; %d undoable plans in a ledger record of %,d%n",
                EPOCHS - 1, chars, state.plan().segments().size(), state.undoable().size(), undo);
        assertThat(state.plan().segments()).hasSizeLessThanOrEqualTo(2);
        assertThat(state.undoable()).hasSize(RunLedger.UNDO_KEPT);
        assertThat(EventJson.read(lastCommand.records(runId -> 0).get(0).value(), RunState.class).undoable()).as("lr.state's record").isEmpty();
        assertThat(chars).isLessThan(512 * 1024);
        assertThat(undo).isLessThan(128 * 1024);
    }
}
