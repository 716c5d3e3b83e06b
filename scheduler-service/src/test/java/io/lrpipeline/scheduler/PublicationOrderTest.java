package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The race between the scheduler's inputs: in every round four commands (override, undo, override, undo: a new version
 * each, and a plan that stays small) and four workers' epoch starts are sent on two threads at once, then one worker
 * ends the epoch and the clock (a tick every 10 ms, a boundary grace of 30 ms, one worker of five never reporting)
 * issues the next epoch's rate: one run changed on all the scheduler's inputs at the same moments. After each
 * round the run's last {@code lr.state} record, the one a restarted scheduler and a trainer's fallback read, must be
 * the scheduler's state (without the applied rates), and each worker's last ledger record its applied rates: a
 * decision published after a later one must never be the last record.
 */
@QuarkusTest
@QuarkusTestResource(value = BrokerResource.class, restrictToAnnotatedClass = false)
@TestProfile(PublicationOrderTest.FastClock.class)
class PublicationOrderTest {
    private static final String RUN = "run-race";
    private static final int ROUNDS = 1_000;
    /** Commands (override, undo, …) and workers' epoch starts per round, sent on two threads at once. */
    private static final int BURST = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class FastClock implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the default step decay stays above this floor for the 1,002 epochs (it is 1e-6 in production: epoch 347)
            return Map.of("scheduler.tick", "10ms", "scheduler.boundary-grace", "30ms", "scheduler.worker-timeout", "1h",
                    "scheduler.min-learning-rate", "1e-20");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RunSchedules schedules;

    @Test
    void theLastStateRecordOfARunIsAlwaysTheSchedulersState() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try (TopicClient kafka = new TopicClient(bootstrapServers, Topics.STATE, Topics.SCHEDULER_APPLIED, Topics.SCHEDULER_UNDO,
                Topics.COMMANDS_REPLIES)) {
            for (int w = 0; w <= BURST; w++) {
                metric(kafka, new WorkerJoined(RUN, "w" + w, BURST + 1, ROUNDS + 2, 0, 0, Map.of(), Instant.now()));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> issued(0));
            for (int round = 0; round < ROUNDS; round++) {
                int epoch = round;
                CyclicBarrier together = new CyclicBarrier(2);
                CompletableFuture<Void> commands = CompletableFuture.runAsync(() -> {
                    arrive(together);
                    for (int c = 0; c < BURST; c++) {
                        kafka.send(Topics.COMMANDS, RUN, """
                                {"commandId": "c-%d-%d", "runId": "%s", %s, "by": "race", "why": "round %d"}"""
                                .formatted(epoch, c, RUN, c % 2 == 0 ? "\"type\": \"override\", \"learningRate\": 0.01" : "\"type\": \"undo\"", epoch));
                    }
                }, senders);
                CompletableFuture<Void> metrics = CompletableFuture.runAsync(() -> {
                    arrive(together);
                    for (int w = 0; w < BURST; w++) {
                        metric(kafka, new EpochStarted(RUN, "w" + w, epoch, 0.01, epoch + 1, RateSource.SCHEDULER, "e" + epoch, epoch, Instant.now()));
                    }
                }, senders);
                CompletableFuture.allOf(commands, metrics).join();
                metric(kafka, new EpochEnded(RUN, "w0", epoch, 1, 1.0, new Evaluation(1.0, 0.5, null, 1), 1.0, 0.01, Instant.now()));
                long version = 1 + (long) BURST * (epoch + 1);
                try {
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                        RunState mine = schedules.run(RUN).orElseThrow();
                        return mine.scheduleVersion() == version && mine.issued().containsKey(epoch + 1)
                                && lastRecord(kafka).map(last -> comparable(last).equals(comparable(PrivateLedger.published(mine)))).orElse(false)
                                && ledgerHoldsTheRestOf(kafka, mine);
                    });
                } catch (ConditionTimeoutException e) {
                    RunState mine = schedules.run(RUN).orElseThrow();
                    RunState last = lastRecord(kafka).orElseThrow();
                    assertThat(mine.scheduleVersion()).as("round %d: the scheduler's version (every command accepted; replies: %s)", epoch,
                            kafka.values(Topics.COMMANDS_REPLIES, RUN)).isEqualTo(version);
                    assertThat(mine.issued()).as("round %d: the scheduler issued the next epoch", epoch).containsKey(epoch + 1);
                    assertThat(comparable(last)).as("round %d: the last lr.state record (version %d, epochs issued up to %d) against the "
                            + "scheduler's state (version %d, issued up to %d)", epoch, last.scheduleVersion(), last.issued().lastKey(),
                            mine.scheduleVersion(), mine.issued().lastKey()).isEqualTo(comparable(PrivateLedger.published(mine)));
                    assertThat(ledgerHoldsTheRestOf(kafka, mine)).as("round %d: the ledger's last record of each worker holds its rates, the run's its undoable plans", epoch)
                            .isTrue();
                    throw e;
                }
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** The commands and the metrics start at the same moment, so that the scheduler's inputs decide at the same moments. */
    private static void arrive(CyclicBarrier together) {
        try {
            together.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean issued(int epoch) {
        return schedules.run(RUN).map(run -> run.issued().containsKey(epoch)).orElse(false);
    }

    private static void metric(TopicClient kafka, TrainingMetric metric) {
        kafka.send(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric));
    }

    /** The private ledger's last records hold what {@code lr.state} leaves out of {@code mine}: applied rates, undoable plans. */
    private static boolean ledgerHoldsTheRestOf(TopicClient kafka, RunState mine) {
        List<String> undo = kafka.values(Topics.SCHEDULER_UNDO, RUN);
        if (!mine.undoable().equals(undo.isEmpty() ? List.of()
                : EventJson.read(undo.get(undo.size() - 1), UndoablePlans.class, EventJson.MAX_STATE_CHARS).plans())) {
            return false;
        }
        return mine.members().entrySet().stream().filter(member -> !member.getValue().applied().isEmpty()).allMatch(member -> {
            List<String> records = kafka.values(Topics.SCHEDULER_APPLIED, WorkerRates.key(RUN, member.getKey()));
            return !records.isEmpty() && EventJson.read(records.get(records.size() - 1), WorkerRates.class, EventJson.MAX_STATE_CHARS)
                    .applied().equals(member.getValue().applied());
        });
    }

    private static Optional<RunState> lastRecord(TopicClient kafka) {
        List<String> states = kafka.values(Topics.STATE, RUN);
        return states.isEmpty() ? Optional.empty() : Optional.of(EventJson.read(states.get(states.size() - 1), RunState.class));
    }

    /** The state as a JSON tree (maps in any order), without the time it was written at (a snapshot is stamped when it is taken). */
    private static JsonNode comparable(RunState state) {
        try {
            return JSON.readTree(EventJson.write(new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(),
                    state.epochs(), state.members(), state.issued(), state.observed(), state.history(), state.undoable(), Instant.EPOCH)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

