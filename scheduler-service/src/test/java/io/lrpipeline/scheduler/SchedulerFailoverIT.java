package io.lrpipeline.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Two packaged schedulers share three runs of four workers by partition; one is killed with SIGKILL in the middle of
 * an epoch boundary (half the workers have ended the epoch) and an operator sends a command to the other one's REST
 * API at that moment. The survivor takes the dead one's partitions: each (run, epoch) gets exactly one event with the
 * scheduled rate, no run's {@code lr.state} goes back to an older state, the command is answered once, and the last
 * state of each run is what the survivor shows.
 */
class SchedulerFailoverIT {
    private static final int EPOCHS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORKERS = 4;
    private static final Pattern TOOK_BACK = Pattern.compile("took back \\d+ run\\(s\\) of partition\\(s\\) \\[([0-9, ]*)]");

    @Test
    void theSurvivorTakesTheRunsOfAKilledSchedulerAndNothingIsLostOrRepeated() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(Files.createTempDirectory("scheduler-failover-kafka"))) {
            broker.createContractTopics();
            List<String> runs = oneRunPerPartition(3);
            try (TopicClient kafka = new TopicClient(broker.bootstrapServers(), Topics.LR_EVENTS, Topics.STATE, Topics.COMMANDS_REPLIES);
                    SchedulerProcess doomed = SchedulerProcess.start(broker.bootstrapServers(), Files.createTempFile("scheduler-doomed", ".log"),
                            Map.of("SCHEDULER_COMMAND_TIMEOUT", "90s"));
                    SchedulerProcess survivor = SchedulerProcess.start(broker.bootstrapServers(), Files.createTempFile("scheduler-survivor",
                            ".log"), Map.of("SCHEDULER_COMMAND_TIMEOUT", "90s"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !ownedBy(survivor).isEmpty() && !ownedBy(doomed).isEmpty()
                        && ownedBy(survivor).size() + ownedBy(doomed).size() == 3);
                for (String run : runs) {
                    for (int w = 0; w < WORKERS; w++) {
                        metric(kafka, new WorkerJoined(run, "w" + w, WORKERS, EPOCHS, 0, 0, Map.of(), Instant.now()));
                    }
                }
                awaitEvents(kafka, runs, 1);
                for (int epoch = 0; epoch < 2; epoch++) {
                    endEpoch(kafka, runs, epoch, 0, WORKERS);
                    awaitEvents(kafka, runs, epoch + 2);
                }
                String orphan = runs.stream().filter(run -> ownedBy(doomed).contains(partitionOf(run))).findFirst().orElseThrow();

                endEpoch(kafka, runs, 2, 0, WORKERS / 2);
                doomed.kill();
                Instant killed = Instant.now();
                HttpResponse<String> override = survivor.post("/api/runs/" + orphan + "/commands", """
                        {"commandId": "during-failover", "type": "override", "learningRate": 0.01, "fromEpoch": 4, "by": "ops",
                         "why": "sent while its scheduler was dead"}""");
                endEpoch(kafka, runs, 2, WORKERS / 2, WORKERS);
                awaitEvents(kafka, runs, 4);
                Duration failover = Duration.between(killed, Instant.now());
                for (int epoch = 3; epoch < EPOCHS - 1; epoch++) {
                    endEpoch(kafka, runs, epoch, 0, WORKERS);
                    awaitEvents(kafka, runs, epoch + 2);
                }
                System.out.printf("the orphaned run %s went on %d ms after the kill%n", orphan, failover.toMillis());

                assertThat(override.statusCode()).as(override.body()).isEqualTo(200);
                assertThat(replies(kafka).stream().filter(r -> "during-failover".equals(r.commandId())))
                        .singleElement().extracting(CommandOutcome::status).isEqualTo(CommandOutcome.Status.ACCEPTED);
                for (String run : runs) {
                    List<LearningRateChanged> events = events(kafka, run);
                    assertThat(events).as("%s's events", run).extracting(LearningRateChanged::epoch).containsExactly(0, 1, 2, 3, 4, 5);
                    for (LearningRateChanged event : events) {
                        double scheduled = run.equals(orphan) && event.epoch() >= 4 ? 0.01 : 0.045 * Math.pow(0.94, event.epoch() / 2);
                        assertThat(event.learningRate()).as("%s epoch %d", run, event.epoch()).isCloseTo(scheduled, Offset.offset(1e-9));
                    }
                    List<RunState> states = states(kafka, run);
                    for (int i = 1; i < states.size(); i++) {
                        RunState before = states.get(i - 1);
                        RunState after = states.get(i);
                        assertThat(after.scheduleVersion()).as("%s: version of lr.state record %d", run, i).isGreaterThanOrEqualTo(before.scheduleVersion());
                        assertThat(after.issued().size()).as("%s: epochs issued in lr.state record %d", run, i).isGreaterThanOrEqualTo(before.issued().size());
                        assertThat(after.history().size()).as("%s: history in lr.state record %d", run, i).isGreaterThanOrEqualTo(before.history().size());
                    }
                    RunState last = states.get(states.size() - 1);
                    String shown = survivor.get("/api/runs/" + run).body();
                    assertThat(JSON.readTree(EventJson.write(PrivateLedger.published(EventJson.read(shown, RunsResource.RunView.class).state()))))
                            .as("%s on the survivor (as JSON trees: a map's keys in any order)", run).isEqualTo(JSON.readTree(EventJson.write(last)));
                }
            }
        }
    }

    /** The partitions a scheduler owns now, from the last assignment its log tells of. */
    private static Set<Integer> ownedBy(SchedulerProcess scheduler) {
        try {
            Matcher line = TOOK_BACK.matcher(scheduler.output());
            String last = null;
            while (line.find()) {
                last = line.group(1);
            }
            return last == null || last.isBlank() ? Set.of()
                    : Arrays.stream(last.split(",\\s*")).map(Integer::parseInt).collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> oneRunPerPartition(int partitions) {
        List<String> runs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            runs.add(java.util.stream.IntStream.iterate(0, i -> i + 1).mapToObj(i -> "run-failover-" + i)
                    .filter(run -> partitionOf(run) == partition).findFirst().orElseThrow());
        }
        return runs;
    }

    private static int partitionOf(String runId) {
        return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % 3;
    }

    private static void endEpoch(TopicClient kafka, List<String> runs, int epoch, int fromWorker, int toWorker) {
        for (String run : runs) {
            for (int w = fromWorker; w < toWorker; w++) {
                metric(kafka, new EpochEnded(run, "w" + w, epoch, 4, 2.0, new Evaluation(2.0, 0.1, null, 1), 5.0, 0.0, Instant.now()));
            }
        }
    }

    private static void metric(TopicClient kafka, TrainingMetric metric) {
        kafka.send(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric));
    }

    private static void awaitEvents(TopicClient kafka, List<String> runs, int count) {
        await().atMost(Duration.ofSeconds(90)).until(() -> runs.stream().allMatch(run -> events(kafka, run).size() >= count));
    }

    private static List<LearningRateChanged> events(TopicClient kafka, String run) {
        return kafka.values(Topics.LR_EVENTS, run).stream().map(v -> EventJson.read(v, LearningRateChanged.class)).toList();
    }

    private static List<RunState> states(TopicClient kafka, String run) {
        return kafka.values(Topics.STATE, run).stream().map(v -> EventJson.read(v, RunState.class)).toList();
    }

    private static List<CommandOutcome> replies(TopicClient kafka) {
        return kafka.values(Topics.COMMANDS_REPLIES, null).stream().map(v -> EventJson.read(v, CommandOutcome.class)).toList();
    }
}
