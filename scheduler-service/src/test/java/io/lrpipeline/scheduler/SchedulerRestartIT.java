package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged scheduler, killed with SIGKILL mid-run and started again on the same broker: it must go on with the
 * plan, version, undo history and workers it had, publish every epoch's rate exactly once, and put back an event a
 * crash of a scheduler before transactions kept off {@code lr.events}. Runs after {@code package} (failsafe).
 */
class SchedulerRestartIT {
    private static LocalKafkaBroker broker;
    private static TopicClient kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafkaBroker.start(Files.createTempDirectory("scheduler-restart-kafka"));
        broker.createContractTopics();
        kafka = new TopicClient(broker.bootstrapServers(), Topics.LR_EVENTS, Topics.COMMANDS_REPLIES, Topics.STATE);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
        broker.close();
    }

    @Test
    void restartedSchedulerLosesNothingAndRepeatsNothing() throws Exception {
        try (SchedulerProcess first = SchedulerProcess.start(broker.bootstrapServers(), "first")) {
            metric(new WorkerJoined("run-r", "w0", 2, 10, 0, 0, Map.of(), Instant.now()));
            metric(new WorkerJoined("run-r", "w1", 2, 10, 0, 0, Map.of(), Instant.now()));
            awaitEvents("run-r", 1);
            kafka.send(Topics.COMMANDS, "run-r", "{\"commandId\": \"r-1\", \"runId\": \"run-r\", \"type\": \"override\", "
                    + "\"learningRate\": 0.01, \"fromEpoch\": 3, \"by\": \"ops\", \"why\": \"before the crash\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.values(Topics.COMMANDS_REPLIES, "run-r").size() == 1);
            bothEnded("run-r", 0);
            awaitEvents("run-r", 2);
            ended("w0", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> lastState("run-r").members().get("w0").lastEpochEnded() == 1);
        }

        try (SchedulerProcess second = SchedulerProcess.start(broker.bootstrapServers(), "second")) {
            ended("w1", 1);
            awaitEvents("run-r", 3);
            bothEnded("run-r", 2);
            awaitEvents("run-r", 4);
            kafka.send(Topics.COMMANDS, "run-r", "{\"commandId\": \"r-2\", \"runId\": \"run-r\", \"type\": \"undo\", \"by\": \"ops\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.values(Topics.COMMANDS_REPLIES, "run-r").size() == 2);
            bothEnded("run-r", 3);
            awaitEvents("run-r", 5);
        }

        assertThat(events("run-r")).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate, LearningRateChanged::scheduleVersion)
                .containsExactly(tuple(0, 0.045, 1L), tuple(1, 0.045, 2L), tuple(2, 0.0423, 2L), tuple(3, 0.01, 2L), tuple(4, 0.039762, 3L));
        CommandOutcome undo = EventJson.read(kafka.values(Topics.COMMANDS_REPLIES, "run-r").get(1), CommandOutcome.class);
        assertThat(undo.status()).isEqualTo(CommandOutcome.Status.ACCEPTED);
        assertThat(lastState("run-r").history()).extracting(RunState.ScheduleChange::commandId).containsSubsequence("r-1", "r-2");
        assertThat(lastState("run-r").undoable()).as("lr.state carries no undo stack: the second scheduler undid from its ledger").isEmpty();
    }

    @Test
    void eventACrashKeptOffTheTopicIsPublishedOnRestart() throws Exception {
        try (SchedulerProcess first = SchedulerProcess.start(broker.bootstrapServers(), "crash-first")) {
            metric(new WorkerJoined("run-c", "w0", 1, 10, 0, 0, Map.of(), Instant.now()));
            awaitEvents("run-c", 1);
        }
        RunState state = lastState("run-c");
        TreeMap<Integer, RunState.IssuedRate> issued = new TreeMap<>(state.issued());
        issued.put(1, new RunState.IssuedRate(0.045, 1, "written-before-the-crash", "step-decay v1", Instant.now()));
        kafka.send(Topics.STATE, "run-c", EventJson.write(new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(),
                state.epochs(), state.members(), issued, state.observed(), state.history(), state.undoable(), Instant.now())));

        try (SchedulerProcess second = SchedulerProcess.start(broker.bootstrapServers(), "crash-second")) {
            awaitEvents("run-c", 2);
            ended("run-c", "w0", 0);
            ended("run-c", "w0", 1);
            awaitEvents("run-c", 3);
        }

        assertThat(events("run-c")).extracting(LearningRateChanged::epoch, LearningRateChanged::eventId)
                .containsExactly(tuple(0, events("run-c").get(0).eventId()), tuple(1, "written-before-the-crash"),
                        tuple(2, events("run-c").get(2).eventId()));
    }

    /**
     * The broker stopped and started again (same ports and log directory) in the middle of a run: the scheduler
     * reconnects and goes on, every epoch's rate published exactly once with the right value, a command after the
     * restart answered.
     */
    @Test
    void aBrokerRestartMidRunLosesNothingAndRepeatsNothing() throws Exception {
        try (SchedulerProcess scheduler = SchedulerProcess.start(broker.bootstrapServers(), "broker-restart")) {
            metric(new WorkerJoined("run-b", "w0", 2, 6, 0, 0, Map.of(), Instant.now()));
            metric(new WorkerJoined("run-b", "w1", 2, 6, 0, 0, Map.of(), Instant.now()));
            awaitEvents("run-b", 1);
            for (int epoch = 0; epoch < 2; epoch++) {
                bothEnded("run-b", epoch);
                awaitEvents("run-b", epoch + 2);
            }

            broker.restart();

            bothEnded("run-b", 2);
            awaitEvents("run-b", 4);
            kafka.send(Topics.COMMANDS, "run-b", "{\"commandId\": \"b-1\", \"runId\": \"run-b\", \"type\": \"override\", "
                    + "\"learningRate\": 0.01, \"by\": \"ops\", \"why\": \"after the broker came back\"}");
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.values(Topics.COMMANDS_REPLIES, "run-b").size() == 1);
            for (int epoch = 3; epoch < 5; epoch++) {
                bothEnded("run-b", epoch);
                awaitEvents("run-b", epoch + 2);
            }
        }

        assertThat(events("run-b")).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate, LearningRateChanged::scheduleVersion)
                .containsExactly(tuple(0, 0.045, 1L), tuple(1, 0.045, 1L), tuple(2, 0.0423, 1L), tuple(3, 0.0423, 1L), tuple(4, 0.01, 2L),
                        tuple(5, 0.01, 2L));
        assertThat(EventJson.read(kafka.values(Topics.COMMANDS_REPLIES, "run-b").get(0), CommandOutcome.class).status())
                .isEqualTo(CommandOutcome.Status.ACCEPTED);
    }

    /**
     * A normal start and stop, as an operator sees it: the console shows no ERROR and no stack trace. (The 1 s tick
     * used to fire before the channels were wired and log three SRMSG00019 stack traces at every start.)
     */
    @Test
    void aNormalStartAndStopLogNoErrorAndNoStackTrace() throws Exception {
        Path log = Files.createTempFile("scheduler-clean", ".log");
        SchedulerProcess scheduler = SchedulerProcess.start(broker.bootstrapServers(), log, Map.of());
        try {
            metric(new WorkerJoined("run-clean", "w0", 1, 3, 0, 0, Map.of(), Instant.now()));
            awaitEvents("run-clean", 1);
        } finally {
            assertThat(scheduler.stop()).as("stopped on SIGTERM").isTrue();
        }

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the scheduler's output (%s)", log).anyMatch(line -> line.contains("Installed features"))
                .noneMatch(line -> line.contains("ERROR") || line.contains("Exception") || line.startsWith("\tat "));
    }

    private static void ended(String worker, int epoch) {
        ended("run-r", worker, epoch);
    }

    /** Workers w0 and w1 of {@code run} both end {@code epoch}. */
    private static void bothEnded(String run, int epoch) {
        ended(run, "w0", epoch);
        ended(run, "w1", epoch);
    }

    private static void ended(String run, String worker, int epoch) {
        metric(new EpochEnded(run, worker, epoch, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.0, Instant.now()));
    }

    private static void metric(TrainingMetric metric) {
        kafka.send(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric));
    }

    private static void awaitEvents(String run, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> events(run).size() >= count);
    }

    private static List<LearningRateChanged> events(String run) {
        return kafka.values(Topics.LR_EVENTS, run).stream().map(v -> EventJson.read(v, LearningRateChanged.class)).toList();
    }

    private static RunState lastState(String run) {
        List<String> states = kafka.values(Topics.STATE, run);
        return EventJson.read(states.get(states.size() - 1), RunState.class);
    }
}
