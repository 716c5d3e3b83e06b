package io.lrpipeline.trainer;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LearningRateBoard} from {@code lr.events} and {@code lr.state}. Every worker must see every
 * event of its run, so the consumer {@code assign()}s all partitions (no group, nothing to rebalance) and
 * reads them from the beginning: a late or restarted worker bootstraps from the same history.
 */
public final class LearningRateFeed implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LearningRateFeed.class);

    private final KafkaConsumer<String, String> consumer;
    private final LearningRateBoard board;
    private final String runId;
    private volatile boolean closed;

    public LearningRateFeed(String bootstrapServers, String runId, LearningRateBoard board) {
        this.consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
        this.board = board;
        this.runId = runId;
    }

    /** Starts the feed on a daemon thread of its own. */
    public Thread start() {
        Thread thread = new Thread(this, "lr-feed");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = partitionsOf(Topics.LR_EVENTS, Topics.STATE);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closed) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (runId.equals(record.key())) {
                        offer(record);
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Stops the feed from another thread; safe to call twice. */
    public void shutdown() {
        closed = true;
        consumer.wakeup();
    }

    private void offer(ConsumerRecord<String, String> record) {
        try {
            if (record.topic().equals(Topics.LR_EVENTS)) {
                board.offer(EventJson.read(record.value(), LearningRateChanged.class));
            } else if (record.value() != null) {
                board.offer(EventJson.read(record.value(), RunState.class));
            }
        } catch (InvalidEventException e) {
            LOG.warn("ignoring invalid record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private List<TopicPartition> partitionsOf(String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }
}
