package io.lrpipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Utils;

/**
 * Reading whole topics without a consumer group: find every partition, assign them, read to the end. A topic that
 * does not exist yet is waited for (a client may start before the topics are made) until the timeout, then named
 * in the error; a broker that does not answer is named too.
 */
public final class TopicPartitions {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofMillis(500);

    private TopicPartitions() {
    }

    public static List<TopicPartition> of(KafkaConsumer<?, ?> consumer, Collection<String> topics, Duration timeout) {
        return of(consumer, topics, timeout, topic -> { });
    }

    /** As {@link #of(KafkaConsumer, Collection, Duration)}, telling {@code waitingFor} once per topic it waits for. */
    public static List<TopicPartition> of(
            KafkaConsumer<?, ?> consumer, Collection<String> topics, Duration timeout, Consumer<String> waitingFor) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> found = List.of();
            boolean waited = false;
            while (found.isEmpty()) {
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0));
                try {
                    found = consumer.partitionsFor(topic, left);
                } catch (TimeoutException e) {
                    throw new IllegalStateException(
                            "no answer from Kafka about topic " + topic + " within " + timeout.toSeconds() + " s", e);
                }
                if (found.isEmpty()) {
                    if (!waited) {
                        waitingFor.accept(topic);
                        waited = true;
                    }
                    if (System.nanoTime() + RETRY.toNanos() > deadline) {
                        throw new IllegalStateException(
                                "topic " + topic + " does not exist (waited " + timeout.toSeconds() + " s)");
                    }
                    pause();
                }
            }
            found.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code key} in a topic of {@code partitions}. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    public static List<TopicPartition> assignAll(KafkaConsumer<?, ?> consumer, Collection<String> topics, Duration timeout) {
        List<TopicPartition> partitions = of(consumer, topics, timeout);
        consumer.assign(partitions);
        return partitions;
    }

    /** Hands every record up to the end offsets taken now to {@code handler}, from the consumer's positions. */
    public static void readToEnd(KafkaConsumer<String, String> consumer, Collection<TopicPartition> partitions,
            Consumer<ConsumerRecord<String, String>> handler, Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            consumer.poll(POLL).forEach(handler);
        }
    }

    /** Every committed record of the topics, from the beginning to the end as it is now. */
    public static List<ConsumerRecord<String, String>> readAll(KafkaSettings kafka, Collection<String> topics, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            List<TopicPartition> partitions = assignAll(consumer, topics, timeout);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            readToEnd(consumer, partitions, records::add, timeout);
            return records;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a topic", e);
        }
    }
}
