package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.SchedulePlan;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's Kafka side against a real broker: the rate feed and the metrics publisher, no training. (Here, not in
 * the trainer's module, whose tests have Spark's Scala 2.12 where the in-process broker needs 2.13.)
 */
class KafkaSideTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    static Path dataDir;

    static LocalKafkaBroker broker;
    static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.start(dataDir);
        broker.createContractTopics();
        producer = KafkaSettings.plain(broker.bootstrapServers()).producer(Map.of());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.close();
    }

    private static void send(String topic, String runId, String json) throws Exception {
        producer.send(new ProducerRecord<>(topic, runId, json)).get();
    }

    @Test
    void lateWorkerBootstrapsFromEventsAndStateOfItsOwnRunOnly() throws Exception {
        send(Topics.STATE, "run-late", EventJson.write(stateOf("run-late", new ScheduleSpec("constant", Map.of("rate", 0.003)), 2)));
        send(Topics.LR_EVENTS, "run-late", EventJson.write(new LearningRateChanged("e0", "run-late", 0, 0.045, 1, "", AT)));
        send(Topics.LR_EVENTS, "run-other", EventJson.write(new LearningRateChanged("x1", "run-other", 1, 0.5, 1, "", AT)));
        send(Topics.LR_EVENTS, "run-late", "{ not json");
        LearningRateBoard board = new LearningRateBoard("run-late", Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(KafkaSettings.plain(broker.bootstrapServers()), "run-late", board);
        feed.start();
        try {
            assertThat(board.await(0, Duration.ofSeconds(30)))
                    .isEqualTo(new RateDecision(0.045, 1, RateSource.SCHEDULER, "e0"));
            // Nothing for epoch 1 of this run: the fallback comes from the run's state, not from run-other's event.
            assertThat(board.await(1, Duration.ofMillis(500)))
                    .isEqualTo(new RateDecision(0.003, 2, RateSource.FALLBACK, ""));
        } finally {
            feed.shutdown();
            feed.shutdown();
        }
    }

    @Test
    void feedDeliversAnEventPublishedWhileTheWorkerWaits() throws Exception {
        LearningRateBoard board = new LearningRateBoard("run-live", Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(KafkaSettings.plain(broker.bootstrapServers()), "run-live", board);
        feed.start();
        try {
            send(Topics.LR_EVENTS, "run-live", EventJson.write(new LearningRateChanged("e3", "run-live", 3, 0.0423, 1, "", AT)));

            assertThat(board.await(3, Duration.ofSeconds(30)).source()).isEqualTo(RateSource.SCHEDULER);
        } finally {
            feed.shutdown();
        }
    }

    @Test
    void publishesMetricsKeyedByRun() {
        try (MetricsPublisher publisher = new MetricsPublisher(KafkaSettings.plain(broker.bootstrapServers()))) {
            publisher.accept(new WorkerJoined("run-metrics", "worker-0", 2, 4, 0, 0, Map.of(), AT));
        }
        List<TrainingMetric> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = KafkaSettings.plain(broker.bootstrapServers()).consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "metrics-check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of(Topics.TRAINING_METRICS));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().equals("run-metrics")) {
                        seen.add(EventJson.read(r.value(), TrainingMetric.class));
                    }
                });
                return !seen.isEmpty();
            });
        }

        assertThat(seen).containsExactly(new WorkerJoined("run-metrics", "worker-0", 2, 4, 0, 0, Map.of(), AT));
    }

    /** The state a scheduler publishes for a run on {@code spec} at {@code version}, before any worker joined. */
    private static RunState stateOf(String runId, ScheduleSpec spec, long version) {
        return new RunState(runId, version, SchedulePlan.of(spec), 1, 10, Map.of(), new TreeMap<>(), new TreeMap<>(), List.of(),
                List.of(), AT);
    }
}
