package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads what earlier decisions left on the topics, in some partitions, from the beginning up to the end offsets at the
 * time of the call (committed records only): the newest {@code lr.state} record of each run completed from the
 * scheduler's private ledger (its workers' applied rates, its undoable plans), and which of the events
 * the runs issued are not on {@code lr.events} (a scheduler before transactions could crash between the two).
 */
final class TopicHistory {
    private static final Logger LOG = Logger.getLogger(TopicHistory.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaSettings kafka;

    TopicHistory(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    int partitions(String topic) {
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            return consumer.partitionsFor(topic, TIMEOUT).size();
        }
    }

    /** The newest state of each run in {@code partitions}, completed from the private ledger. */
    Collection<RunState> runStates(Set<Integer> partitions) {
        Map<String, RunState> newest = new HashMap<>();
        PrivateLedger ledger = new PrivateLedger();
        List<String> topics = new ArrayList<>(PrivateLedger.TOPICS);
        topics.add(Topics.STATE);
        readAll(topics, partitions, record -> {
            if (record.topic().equals(Topics.STATE)) {
                keepNewest(record, newest, RunState.class, RunState::runId);
            } else {
                ledger.keep(record);
            }
        });
        return newest.values().stream().map(ledger::complete).toList();
    }

    /**
     * Applies one record of a compacted topic ({@code lr.state}, the ledger) to {@code newest}, under the key
     * {@code keyOf} gives its value: a tombstone removes its key, an unreadable record is skipped with a line.
     */
    static <T> void keepNewest(ConsumerRecord<String, String> record, Map<String, T> newest, Class<T> type, Function<T, String> keyOf) {
        if (record.value() == null) {
            newest.remove(record.key());
            return;
        }
        try {
            T value = EventJson.read(record.value(), type, EventJson.MAX_STATE_CHARS);
            newest.put(keyOf.apply(value), value);
        } catch (InvalidEventException e) {
            LOG.warnf("skipping unreadable %s record at offset %d: %s", record.topic(), record.offset(), e.getMessage());
        }
    }

    /** The events of {@code issued} that are not on {@code lr.events} in {@code partitions}. */
    List<LearningRateChanged> missing(List<LearningRateChanged> issued, Set<Integer> partitions) {
        if (issued.isEmpty()) {
            return List.of();
        }
        Set<String> published = new HashSet<>();
        readAll(List.of(Topics.LR_EVENTS), partitions, record -> {
            try {
                published.add(EventJson.read(record.value(), LearningRateChanged.class).eventId());
            } catch (InvalidEventException e) {
                LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.LR_EVENTS, record.offset(), e.getMessage());
            }
        });
        return issued.stream().filter(e -> !published.contains(e.eventId())).toList();
    }

    /** Every record of partitions {@code numbers} of {@code topics}, from the beginning to the end of now, in one consumer. */
    private void readAll(List<String> topics, Set<Integer> numbers, Consumer<ConsumerRecord<String, String>> handler) {
        try (KafkaConsumer<String, String> consumer = kafka.committedReader()) {
            List<TopicPartition> partitions = topics.stream().flatMap(topic -> numbers.stream().map(n -> new TopicPartition(topic, n))).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            TopicPartitions.readToEnd(consumer, partitions, handler, TIMEOUT);
        }
    }
}
