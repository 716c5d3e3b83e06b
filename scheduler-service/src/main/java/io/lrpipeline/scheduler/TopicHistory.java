package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Reads what earlier schedulers left on the topics, from the beginning up to the end offsets at the time of the
 * call: the newest {@code lr.state} record of each run, and the ids of the events on {@code lr.events}; and puts back
 * the events a crash kept off {@code lr.events}.
 */
final class TopicHistory {
    private static final Logger LOG = Logger.getLogger(TopicHistory.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;

    TopicHistory(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    Collection<RunState> runStates() {
        Map<String, RunState> newest = new HashMap<>();
        readAll(Topics.STATE, record -> {
            if (record.value() == null) {
                newest.remove(record.key());
                return;
            }
            try {
                RunState state = EventJson.read(record.value(), RunState.class);
                newest.put(state.runId(), state);
            } catch (InvalidEventException e) {
                LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.STATE, record.offset(), e.getMessage());
            }
        });
        return newest.values();
    }

    Set<String> eventIds() {
        Set<String> ids = new HashSet<>();
        readAll(Topics.LR_EVENTS, record -> {
            try {
                ids.add(EventJson.read(record.value(), LearningRateChanged.class).eventId());
            } catch (InvalidEventException e) {
                LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.LR_EVENTS, record.offset(), e.getMessage());
            }
        });
        return ids;
    }

    /** Publishes the events of {@code issued} that are not on {@code lr.events}, with their original ids; returns how many. */
    int publishMissing(List<LearningRateChanged> issued) {
        Set<String> published = eventIds();
        List<LearningRateChanged> missing = issued.stream().filter(e -> !published.contains(e.eventId())).toList();
        if (missing.isEmpty()) {
            return 0;
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (LearningRateChanged event : missing) {
                producer.send(new ProducerRecord<>(Topics.LR_EVENTS, event.runId(), EventJson.write(event)));
                LOG.infof("republished the rate of run %s epoch %d (event %s), issued before a restart", event.runId(), event.epoch(),
                        event.eventId());
            }
            producer.flush();
        }
        return missing.size();
    }

    private void readAll(String topic, Consumer<ConsumerRecord<String, String>> handler) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
            }
        }
    }
}
