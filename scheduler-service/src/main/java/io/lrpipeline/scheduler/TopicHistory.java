package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import java.time.Duration;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads what earlier decisions left on the topics, in some partitions, from the beginning up to the end offsets at the
 * time of the call (committed records only): the newest {@code lr.state} record of each run with its workers'
 * applied rates from the scheduler's ledger, and which of the events
 * the runs issued are not on {@code lr.events} (a scheduler before transactions could crash between the two).
 */
final class TopicHistory {
    private static final Logger LOG = Logger.getLogger(TopicHistory.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;

    TopicHistory(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    int partitions(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            return consumer.partitionsFor(topic, TIMEOUT).size();
        }
    }

    /** The newest state of each run in {@code partitions}, with its workers' applied rates from the ledger. */
    Collection<RunState> runStates(Set<Integer> partitions) {
        Map<String, RunState> newest = new HashMap<>();
        readAll(Topics.STATE, partitions, record -> keepNewest(record, newest));
        Map<String, WorkerRates> ledger = new HashMap<>();
        readAll(Topics.SCHEDULER_APPLIED, partitions, record -> keepNewestRates(record, ledger));
        return newest.values().stream().map(state -> WorkerRates.withRates(state, ledger)).toList();
    }

    /** Applies one ledger record to {@code ledger}, as {@link #keepNewest} does for {@code lr.state}. */
    static void keepNewestRates(ConsumerRecord<String, String> record, Map<String, WorkerRates> ledger) {
        if (record.value() == null) {
            ledger.remove(record.key());
            return;
        }
        try {
            WorkerRates rates = EventJson.read(record.value(), WorkerRates.class, EventJson.MAX_STATE_CHARS);
            ledger.put(rates.key(), rates);
        } catch (InvalidEventException e) {
            LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.SCHEDULER_APPLIED, record.offset(), e.getMessage());
        }
    }

    /** Applies one {@code lr.state} record to {@code newest}: a tombstone removes the run, an unreadable record is skipped with a line. */
    static void keepNewest(ConsumerRecord<String, String> record, Map<String, RunState> newest) {
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
    }

    /** The events of {@code issued} that are not on {@code lr.events} in {@code partitions}. */
    List<LearningRateChanged> missing(List<LearningRateChanged> issued, Set<Integer> partitions) {
        if (issued.isEmpty()) {
            return List.of();
        }
        Set<String> published = new HashSet<>();
        readAll(Topics.LR_EVENTS, partitions, record -> {
            try {
                published.add(EventJson.read(record.value(), LearningRateChanged.class).eventId());
            } catch (InvalidEventException e) {
                LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.LR_EVENTS, record.offset(), e.getMessage());
            }
        });
        return issued.stream().filter(e -> !published.contains(e.eventId())).toList();
    }

    private void readAll(String topic, Set<Integer> numbers, Consumer<ConsumerRecord<String, String>> handler) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = numbers.stream().map(n -> new TopicPartition(topic, n)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
            }
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
    }
}
