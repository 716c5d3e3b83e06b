package io.lrpipeline.benchmarks;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.ConsumerRunner;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One worker's view of {@code topic}, like a trainer's feed: a consumer assigned to every partition, polling all the
 * time on its own thread, noting when each record arrived, by the key {@code runId/epoch} for rate events and
 * {@code commandId} for command outcomes (or by a key of the caller's, at an isolation level of its choice).
 */
final class EventArrivals implements AutoCloseable {
    record Arrival(Instant at, String value) {}

    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final ConsumerRunner runner;

    /** Committed records only, as trainers read them. */
    EventArrivals(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, "read_committed", value -> key(topic, value));
    }

    /** Records at {@code isolation} ({@code read_committed} or {@code read_uncommitted}), noted by {@code keyOfValue}. */
    EventArrivals(String bootstrapServers, String topic, String isolation, UnaryOperator<String> keyOfValue) {
        KafkaConsumer<String, String> consumer = KafkaSettings.plain(bootstrapServers).consumer(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        List<TopicPartition> partitions = TopicPartitions.assignAll(consumer, List.of(topic), Duration.ofSeconds(30));
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // the end now, before anything is sent
        runner = ConsumerRunner.start("arrivals-" + topic + "-" + isolation, consumer, assigned -> { },
                record -> arrivals.put(keyOfValue.apply(record.value()), new Arrival(Instant.now(), record.value())));
    }

    /** When the record with {@code key} arrived, waiting up to {@code timeout} for it. */
    Arrival await(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!arrivals.containsKey(key)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no record " + key + " within " + timeout);
            }
            Thread.sleep(1);
        }
        return arrivals.get(key);
    }

    static String eventKey(String runId, int epoch) {
        return runId + "/" + epoch;
    }

    private static String key(String topic, String value) {
        if (topic.equals(Topics.LR_EVENTS)) {
            LearningRateChanged event = EventJson.read(value, LearningRateChanged.class);
            return eventKey(event.runId(), event.epoch());
        }
        return EventJson.read(value, io.lrpipeline.events.CommandOutcome.class).commandId();
    }

    @Override
    public void close() throws InterruptedException {
        runner.close();
    }
}
