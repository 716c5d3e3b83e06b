package io.lrpipeline.logsink;

import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.TopicPartitions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: reads every partition of the topics it logs from where the checkpoint says, hands
 * each record to the {@link TensorBoardSink}, and at most {@code flushAfter} after a record was consumed makes
 * it durable: checkpoint prepared, files written and forced, checkpoint committed (then the group's offsets,
 * for anyone watching the lag). In replay mode it stops once it has read what the topics held when it started.
 */
final class SinkLoop {
    static final List<String> TOPICS = List.of(Topics.LR_EVENTS, Topics.TRAINING_METRICS, Topics.STATE, Topics.COMMANDS_REJECTED);
    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, String> consumer;
    private final TensorBoardSink sink;
    private final CheckpointStore store;
    private final Duration flushAfter;
    private SinkCheckpoint checkpoint;
    private volatile boolean closed;
    private long firstUnflushedNanos = -1;
    private long records;
    private long invalid;

    SinkLoop(KafkaConsumer<String, String> consumer, TensorBoardSink sink, CheckpointStore store, SinkCheckpoint checkpoint,
            Duration flushAfter) {
        this.consumer = consumer;
        this.sink = sink;
        this.store = store;
        this.checkpoint = checkpoint;
        this.flushAfter = flushAfter;
    }

    /** Consumes until {@link #shutdown()}. */
    void run() throws IOException {
        consume(assign(), null);
    }

    /** Consumes what the topics hold now, then returns; the number of records read. */
    long replay() throws IOException {
        List<TopicPartition> partitions = assign();
        consume(partitions, consumer.endOffsets(partitions));
        return records;
    }

    /** Stops {@link #run()} from another thread; what was consumed is made durable first. */
    void shutdown() {
        closed = true;
        consumer.wakeup();
    }

    /** Consumes {@code partitions} until shut down or, when {@code end} is given, until every one reached it. */
    private void consume(List<TopicPartition> partitions, Map<TopicPartition, Long> end) throws IOException {
        try {
            while (!closed && (end == null || !reached(end))) {
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                consumer.poll(pollTimeout()).forEach(batch::add);
                dispatch(batch);
                if (firstUnflushedNanos >= 0 && System.nanoTime() - firstUnflushedNanos >= flushAfter.toNanos()) {
                    flush(partitions);
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            if (firstUnflushedNanos >= 0) {
                flush(partitions);
            }
            sink.close();
        }
    }

    private List<TopicPartition> assign() {
        // The sink may start before the topics are created: it waits for them as long as it runs.
        List<TopicPartition> partitions = TopicPartitions.of(consumer, TOPICS, Duration.ofDays(365),
                topic -> LOG.warn("waiting for topic {} to exist", topic));
        consumer.assign(partitions);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long offset = checkpoint.offsets().get(SinkCheckpoint.partitionKey(partition.topic(), partition.partition()));
            if (offset == null) {
                fromStart.add(partition);
            } else {
                consumer.seek(partition, offset);
            }
        }
        consumer.seekToBeginning(fromStart);
        return partitions;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Duration pollTimeout() {
        if (firstUnflushedNanos < 0) {
            return IDLE_POLL;
        }
        long leftNanos = flushAfter.toNanos() - (System.nanoTime() - firstUnflushedNanos);
        return Duration.ofNanos(Math.max(0, Math.min(leftNanos, IDLE_POLL.toNanos())));
    }

    /**
     * Parses a poll's records on all cores (JSON parsing is most of the sink's work), then hands them to the sink
     * one by one in the order they were polled.
     */
    private void dispatch(List<ConsumerRecord<String, String>> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        if (firstUnflushedNanos < 0) {
            firstUnflushedNanos = System.nanoTime();
        }
        records += batch.size();
        Object[] parsed = new Object[batch.size()];
        IntStream.range(0, batch.size()).parallel().forEach(i -> parsed[i] = parse(batch.get(i)));
        for (int i = 0; i < parsed.length; i++) {
            ConsumerRecord<String, String> record = batch.get(i);
            Object event = parsed[i];
            if (event instanceof InvalidEventException e) {
                invalid++;
                LOG.warn("skipping invalid record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            } else if (event instanceof LearningRateChanged rate) {
                sink.accept(rate);
            } else if (event instanceof TrainingMetric metric) {
                sink.accept(metric);
            } else if (event instanceof RunState state) {
                sink.accept(state);
            } else if (event instanceof CommandRejected rejected) {
                sink.accept(rejected, record.partition(), record.offset());
            } // null: a tombstone on the compacted state topic
        }
    }

    /** The record's event, an {@link InvalidEventException} saying why it is none, or null for a tombstone. */
    private static Object parse(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return switch (record.topic()) {
                case Topics.LR_EVENTS -> EventJson.read(record.value(), LearningRateChanged.class);
                case Topics.TRAINING_METRICS -> EventJson.read(record.value(), TrainingMetric.class);
                case Topics.STATE -> EventJson.read(record.value(), RunState.class);
                case Topics.COMMANDS_REJECTED -> EventJson.read(record.value(), CommandRejected.class);
                default -> throw new IllegalStateException("not a sink topic: " + record.topic());
            };
        } catch (InvalidEventException e) {
            return e;
        }
    }

    private void flush(List<TopicPartition> partitions) throws IOException {
        Map<String, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long position = consumer.position(partition);
            offsets.put(SinkCheckpoint.partitionKey(partition.topic(), partition.partition()), position);
            commits.put(partition, new OffsetAndMetadata(position));
        }
        SinkCheckpoint next = checkpoint.advance(offsets, sink.positionsToFlush());
        store.prepare(next);
        sink.flush();
        store.commit();
        checkpoint = next;
        firstUnflushedNanos = -1;
        commitQuietly(commits);
    }

    /** The group's offsets only inform lag monitors: the checkpoint is what the sink resumes from. */
    private void commitQuietly(Map<TopicPartition, OffsetAndMetadata> commits) {
        try {
            consumer.commitSync(commits);
        } catch (RuntimeException e) {
            LOG.debug("could not commit the group's offsets: {}", e.toString());
        }
    }

    long invalidRecords() {
        return invalid;
    }
}
