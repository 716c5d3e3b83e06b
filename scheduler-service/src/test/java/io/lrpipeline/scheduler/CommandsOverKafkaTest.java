package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.CommandOutcome.Status;
import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler service on a real broker: commands in on {@code lr.commands}, outcomes, rejections, events and state out. */
@QuarkusTest
@QuarkusTestResource(value = BrokerResource.class, restrictToAnnotatedClass = false)
class CommandsOverKafkaTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RunSchedules schedules;

    private TopicClient kafka;

    @BeforeEach
    void connect() {
        kafka = new TopicClient(bootstrapServers, Topics.LR_EVENTS, Topics.COMMANDS_REPLIES, Topics.COMMANDS_REJECTED, Topics.STATE);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        kafka.close();
    }

    @Test
    void everyWorkerOfTheRunGetsTheOverrideAtTheSameEpoch() {
        startRun("run-override", 2, 10);
        kafka.send(Topics.COMMANDS, "run-override", """
                {"commandId": "o-1", "runId": "run-override", "type": "override", "learningRate": 0.01, "by": "ops", "why": "test"}""");
        CommandOutcome outcome = awaitOutcome("run-override", 1).get(0);
        assertThat(outcome.status()).isEqualTo(Status.ACCEPTED);
        assertThat(outcome.effectiveFromEpoch()).isEqualTo(1);

        metric(new EpochEnded("run-override", "w0", 0, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.045, Instant.now()));
        metric(new EpochEnded("run-override", "w1", 0, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.045, Instant.now()));

        await().atMost(Duration.ofSeconds(20)).until(() -> events("run-override").size() == 2);
        assertThat(events("run-override")).extracting(LearningRateChanged::epoch, LearningRateChanged::learningRate,
                LearningRateChanged::scheduleVersion).containsExactly(org.assertj.core.groups.Tuple.tuple(0, 0.045, 1L),
                org.assertj.core.groups.Tuple.tuple(1, 0.01, 2L));
        RunState state = lastState("run-override");
        assertThat(state.history()).extracting(RunState.ScheduleChange::commandId, RunState.ScheduleChange::by)
                .contains(org.assertj.core.groups.Tuple.tuple("o-1", "ops"));
    }

    @Test
    void malformedCommandIsRejectedWithItsPayloadAndTheServiceGoesOn() {
        startRun("run-bad", 1, 10);
        String broken = "{\"commandId\": \"b-1\", \"runId\": \"run-bad\", \"type\": \"override\", \"learningRate\": -3, \"by\": \"ops\"}";
        kafka.send(Topics.COMMANDS, "run-bad", broken);
        kafka.send(Topics.COMMANDS, "run-bad", "{\"commandId\": \"b-2\", \"runId\": \"run-bad\", \"type\": \"pause\", \"by\": \"ops\"}");

        List<CommandOutcome> outcomes = awaitOutcome("run-bad", 2);
        assertThat(outcomes).extracting(CommandOutcome::status).containsExactly(Status.REJECTED, Status.ACCEPTED);
        CommandRejected rejection = EventJson.read(kafka.values(Topics.COMMANDS_REJECTED, "run-bad").get(0), CommandRejected.class);
        assertThat(rejection.payload()).isEqualTo(broken);
        assertThat(rejection.isOf(broken)).isTrue();
        assertThat(rejection.reason()).contains("outside the allowed [1.0E-6, 1.0]");
        assertThat(rejection.runKnown()).isTrue();
        assertThat(schedules.run("run-bad").orElseThrow().scheduleVersion()).isEqualTo(2);
    }

    /** The log-sink files a rejection under its run only when the run is known: ../../etc must create no directory. */
    @Test
    void aCommandForAnUnknownOrInvalidRunIsRejectedAsNamingNoKnownRun() {
        kafka.send(Topics.COMMANDS, "../../etc", "{\"commandId\": \"u-1\", \"runId\": \"../../etc\", \"type\": \"undo\", \"by\": \"x\"}");
        kafka.send(Topics.COMMANDS, "nobody", "{\"commandId\": \"u-2\", \"runId\": \"nobody\", \"type\": \"undo\", \"by\": \"x\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.values(Topics.COMMANDS_REJECTED, "nobody").size() == 1
                && kafka.values(Topics.COMMANDS_REJECTED, "../../etc").size() == 1);
        CommandRejected invalid = EventJson.read(kafka.values(Topics.COMMANDS_REJECTED, "../../etc").get(0), CommandRejected.class);
        CommandRejected unknown = EventJson.read(kafka.values(Topics.COMMANDS_REJECTED, "nobody").get(0), CommandRejected.class);
        assertThat(invalid.runKnown()).isFalse();
        assertThat(invalid.reason()).contains("'runId' '../../etc' is not a valid id");
        assertThat(unknown.runKnown()).isFalse();
        assertThat(unknown.reason()).startsWith("unknown run 'nobody'");
    }

    @Test
    void seededFuzzerNeverHurtsTheScheduler() {
        startRun(CommandFuzzer.RUN, 1, CommandFuzzer.EPOCHS);
        for (int epoch = 0; epoch < 3; epoch++) {
            metric(new EpochEnded(CommandFuzzer.RUN, "w0", epoch, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.045, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> events(CommandFuzzer.RUN).size() == 4);
        long versionBefore = schedules.run(CommandFuzzer.RUN).orElseThrow().scheduleVersion();
        CommandFuzzer fuzzer = new CommandFuzzer(20261124L, 3);

        List<CommandFuzzer.Case> cases = fuzzer.cases(2000);
        cases.forEach(c -> kafka.send(Topics.COMMANDS, CommandFuzzer.RUN, c.payload()));
        kafka.send(Topics.COMMANDS, CommandFuzzer.RUN, CommandFuzzer.SENTINEL);

        await().atMost(Duration.ofMinutes(3)).until(() -> replies().stream().anyMatch(o -> CommandFuzzer.SENTINEL_ID.equals(o.commandId())));
        CommandFuzzer.Verdict verdict = fuzzer.judge(cases, replies(), rejections(), schedules.run(CommandFuzzer.RUN).orElseThrow(),
                versionBefore);
        System.out.printf("fuzzer: %d commands, %d accepted, %d rejected%n", cases.size(), verdict.valid(), verdict.invalid());
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.valid()).isGreaterThan(300);
        assertThat(verdict.invalid()).isGreaterThan(700);
        assertThat(events(CommandFuzzer.RUN)).hasSize(4);
    }

    private void startRun(String runId, int workers, int epochs) {
        for (int w = 0; w < workers; w++) {
            metric(new WorkerJoined(runId, "w" + w, workers, epochs, 0, 0, Map.of(), Instant.now()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !events(runId).isEmpty());
    }

    private void metric(TrainingMetric metric) {
        kafka.send(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric));
    }

    private List<LearningRateChanged> events(String runId) {
        return kafka.values(Topics.LR_EVENTS, runId).stream().map(v -> EventJson.read(v, LearningRateChanged.class)).toList();
    }

    private RunState lastState(String runId) {
        List<String> states = kafka.values(Topics.STATE, runId);
        return EventJson.read(states.get(states.size() - 1), RunState.class);
    }

    private List<CommandOutcome> awaitOutcome(String runId, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.values(Topics.COMMANDS_REPLIES, runId).size() >= count);
        return kafka.values(Topics.COMMANDS_REPLIES, runId).stream().map(v -> EventJson.read(v, CommandOutcome.class)).toList();
    }

    private List<CommandOutcome> replies() {
        return kafka.values(Topics.COMMANDS_REPLIES, null).stream().map(v -> EventJson.read(v, CommandOutcome.class)).toList();
    }

    private List<CommandRejected> rejections() {
        return kafka.values(Topics.COMMANDS_REJECTED, null).stream().map(v -> EventJson.read(v, CommandRejected.class)).toList();
    }
}
