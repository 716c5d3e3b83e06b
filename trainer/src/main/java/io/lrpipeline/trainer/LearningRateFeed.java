package io.lrpipeline.trainer;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.ConsumerRunner;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LearningRateBoard} from {@code lr.events} and {@code lr.state}. Every worker must see every
 * event of its run, so the consumer {@code assign()}s all partitions (no group, nothing to rebalance) and
 * reads them from the beginning: a late or restarted worker bootstraps from the same history.
 */
public final class LearningRateFeed {
    private static final Logger LOG = LoggerFactory.getLogger(LearningRateFeed.class);
    private static final Duration TOPICS = Duration.ofSeconds(60);

    private final KafkaSettings kafka;
    private final LearningRateBoard board;
    private final String runId;
    private volatile ConsumerRunner runner;

    public LearningRateFeed(KafkaSettings kafka, String runId, LearningRateBoard board) {
        this.kafka = kafka;
        this.board = board;
        this.runId = runId;
    }

    /** Starts the feed on a daemon thread of its own. */
    public void start() {
        runner = ConsumerRunner.start("lr-feed", kafka.committedReader(),
                consumer -> consumer.seekToBeginning(
                        TopicPartitions.assignAll(consumer, List.of(Topics.LR_EVENTS, Topics.STATE), TOPICS)),
                record -> {
                    if (runId.equals(record.key())) {
                        offer(record);
                    }
                });
    }

    /** Stops the feed and waits for its thread; safe to call twice. */
    public void shutdown() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
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
}
