package io.lrpipeline.scheduler;

import static org.awaitility.Awaitility.await;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.kafka.ConsumerRunner;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What a test sees of the broker: sends records, and collects every record of some topics from the beginning, in the background. */
final class TopicClient implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final List<ConsumerRecord<String, String>> seen = Collections.synchronizedList(new ArrayList<>());
    private final ConsumerRunner reader;

    TopicClient(String bootstrapServers, String... topics) {
        KafkaSettings kafka = KafkaSettings.plain(bootstrapServers);
        producer = kafka.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        reader = topics.length == 0 ? null : ConsumerRunner.start("topic-client", kafka.committedReader(),
                consumer -> consumer.seekToBeginning(TopicPartitions.assignAll(consumer, List.of(topics), Duration.ofSeconds(30))),
                seen::add);
    }

    /** Makes sure the scheduler knows {@code run}: unless it does already, worker w0 joins it for {@code epochs} epochs. */
    static void ensureRun(String bootstrapServers, RunSchedules schedules, String run, int epochs) throws InterruptedException {
        if (schedules.run(run).isEmpty()) {
            try (TopicClient kafka = new TopicClient(bootstrapServers)) {
                kafka.send(Topics.TRAINING_METRICS, run, EventJson.write(new WorkerJoined(run, "w0", 1, epochs, 0, 0, Map.of(), Instant.now())));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> schedules.run(run).isPresent());
        }
    }

    void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The values seen so far on {@code topic} under {@code key}, in order. */
    List<String> values(String topic, String key) {
        synchronized (seen) {
            return seen.stream().filter(r -> r.topic().equals(topic) && (key == null || key.equals(r.key())))
                    .map(ConsumerRecord::value).toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (reader != null) {
            reader.close();
        }
        producer.close();
    }
}
