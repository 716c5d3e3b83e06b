package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The scheduler's one thread: it polls {@code training.metrics} and {@code lr.commands}, lets {@link RunSchedules}
 * decide on each record in its order, ticks the clock between polls, and publishes what one poll decided in one Kafka
 * transaction together with the input offsets it consumed (exactly-once v2: the offsets are committed by the
 * producer, fenced by the consumer group's generation). So, per run, decisions reach the topics in the order they
 * were made, a decision's state, its events and the inputs it consumed commit or vanish together, and one poll costs
 * one state record per changed run. Runs belong to the instance that the consumer group assigns their partition
 * (both input topics and {@code lr.state} have the same partitions, keyed by run id; the range assignor gives an
 * instance the same partition numbers of both inputs): an instance takes back the runs of the partitions it is
 * assigned from {@code lr.state} and forgets those it loses. A transaction that fails is aborted, the runs are read
 * back from {@code lr.state} and the poll's records are handled again.
 */
final class DecisionLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DecisionLoop.class);
    static final String GROUP = "lr-scheduler";

    /** Told of each committed publication and how long its transaction took (begin to commit), on the loop's thread. */
    interface Published {
        void committed(Publication publication, Duration transaction);
    }

    /** What the loop is doing, for the health checks: deciding, recovering from a failed transaction, or stopped for good. */
    enum Phase { STARTING, DECIDING, RECOVERING, STOPPED }

    /**
     * The loop as the health checks see it: its phase since when, why (for recovering and stopped), the
     * {@code training.metrics} partitions whose runs it owns, and when its last transaction committed (null: none yet).
     */
    record Status(Phase phase, Instant since, String reason, Set<Integer> owned, Instant lastCommit) {
        Status to(Phase next, Instant at, String why) {
            return new Status(next, at, why, owned, lastCommit);
        }

        Status owning(Set<Integer> partitions) {
            return new Status(phase, since, reason, Set.copyOf(partitions), lastCommit);
        }

        Status committedAt(Instant at) {
            return new Status(phase, since, reason, owned, at);
        }
    }

    private final KafkaSettings kafka;
    private final RunSchedules schedules;
    private final TopicHistory history;
    private final Duration tick;
    private final Clock clock;
    private final Published published;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private KafkaProducer<String, String> producer;
    private int partitions;
    private volatile boolean closed;
    private volatile Status status;

    DecisionLoop(KafkaSettings kafka, RunSchedules schedules, Duration tick, Clock clock, Published published) {
        this.kafka = kafka;
        this.schedules = schedules;
        this.history = new TopicHistory(kafka);
        this.tick = tick;
        this.clock = clock;
        this.published = published;
        this.consumer = kafka.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000));
        this.thread = new Thread(this::run, "lr-scheduler-decisions");
        this.status = new Status(Phase.STARTING, clock.instant(), "", Set.of(), null);
    }

    Status status() {
        return status;
    }

    /** Checks the topics' partitioning, then starts the loop's thread. */
    void start() {
        partitions = history.partitions(Topics.TRAINING_METRICS);
        for (String topic : Stream.concat(Stream.of(Topics.COMMANDS, Topics.STATE), PrivateLedger.TOPICS.stream()).toList()) {
            int count = history.partitions(topic);
            if (count != partitions) {
                throw new IllegalStateException(topic + " has " + count + " partitions and " + Topics.TRAINING_METRICS + " " + partitions
                        + ": the scheduler owns runs by partition and needs the same number on its inputs, lr.state and its ledger");
            }
        }
        producer = transactionalProducer();
        consumer.subscribe(List.of(Topics.TRAINING_METRICS, Topics.COMMANDS), new Ownership());
        thread.start();
    }

    private void run() {
        Instant nextTick = clock.instant().plus(tick);
        status = status.to(Phase.DECIDING, clock.instant(), "");
        try {
            while (!closed) {
                Duration wait = Duration.between(clock.instant(), nextTick);
                var records = consumer.poll(wait.isNegative() ? Duration.ZERO : wait);
                Publication publication = new Publication();
                Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
                Map<TopicPartition, Long> first = new HashMap<>();
                for (ConsumerRecord<String, String> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    first.putIfAbsent(partition, record.offset());
                    consumed.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    publication.add(decide(record));
                }
                if (!clock.instant().isBefore(nextTick)) {
                    publication.add(schedules.tick());
                    nextTick = clock.instant().plus(tick);
                }
                if (!publication.isEmpty() || !consumed.isEmpty()) {
                    commit(publication, consumed, first);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            status = status.to(Phase.STOPPED, clock.instant(), e.toString());
            LOG.errorf(e, "the scheduler's decision loop stopped");
        } finally {
            if (status.phase() != Phase.STOPPED) {
                status = status.to(Phase.STOPPED, clock.instant(), "closed");
            }
            consumer.close();
            if (producer != null) {
                producer.close();
            }
        }
    }

    private Decision decide(ConsumerRecord<String, String> record) {
        if (record.topic().equals(Topics.COMMANDS)) {
            return schedules.onCommand(record.value());
        }
        try {
            return schedules.onMetric(EventJson.read(record.value(), TrainingMetric.class));
        } catch (InvalidEventException e) {
            LOG.warnf("ignoring invalid training metric at %s-%d offset %d: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Decision.NONE;
        }
    }

    private void commit(Publication publication, Map<TopicPartition, OffsetAndMetadata> consumed, Map<TopicPartition, Long> first) {
        long began = System.nanoTime();
        try {
            producer.beginTransaction();
            publication.records(this::partitionOf).forEach(producer::send);
            if (!consumed.isEmpty()) {
                producer.sendOffsetsToTransaction(consumed, consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            LOG.warnf("a transaction failed (%s): its decisions are dropped, the runs read back from %s and its inputs handled again",
                    e.toString(), Topics.STATE);
            recover(first, e);
            return;
        }
        Duration transaction = Duration.ofNanos(System.nanoTime() - began);
        status = status.committedAt(clock.instant());
        published.committed(publication, transaction);
    }

    /**
     * Aborts the open transaction (a producer that cannot, fenced or failed, is replaced), rewinds the inputs to
     * {@code first} and reads the owned runs back; tried again every second while the broker cannot be reached.
     */
    private void recover(Map<TopicPartition, Long> first, KafkaException failure) {
        status = status.to(Phase.RECOVERING, clock.instant(), "a transaction failed: " + failure);
        for (int attempt = 1; !closed; attempt++) {
            try {
                if (producer != null) {
                    try {
                        producer.abortTransaction();
                    } catch (RuntimeException e) {
                        producer.close(Duration.ZERO);
                        producer = null;
                    }
                }
                if (producer == null) {
                    producer = transactionalProducer();
                }
                first.forEach(consumer::seek);
                forgetAndRestore(owned());
                status = status.to(Phase.DECIDING, clock.instant(), "");
                return;
            } catch (KafkaException e) {
                if (attempt == 1) {
                    LOG.warnf("cannot recover yet (%s): trying again every second", e.toString());
                }
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    private KafkaProducer<String, String> transactionalProducer() {
        KafkaProducer<String, String> transactional = kafka.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, GROUP + "-" + UUID.randomUUID(),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000,
                ProducerConfig.LINGER_MS_CONFIG, 0));
        try {
            transactional.initTransactions();
            return transactional;
        } catch (RuntimeException e) {
            transactional.close(Duration.ZERO);
            throw e;
        }
    }

    private Set<Integer> owned() {
        return metricPartitions(consumer.assignment());
    }

    /** The numbers of the {@code training.metrics} partitions among {@code partitions}: those of the runs they make this instance's. */
    private static Set<Integer> metricPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(Topics.TRAINING_METRICS)).map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }

    /** Replaces the runs of {@code owned} by what {@code lr.state} holds of them, and puts back the events a crash kept off. */
    private void forgetAndRestore(Set<Integer> owned) {
        schedules.forget(runId -> owned.contains(partitionOf(runId)));
        var states = history.runStates(owned);
        schedules.restore(states);
        List<LearningRateChanged> missing = history.missing(schedules.issuedEvents().stream()
                .filter(event -> owned.contains(partitionOf(event.runId()))).toList(), owned);
        if (!missing.isEmpty()) {
            producer.beginTransaction();
            missing.forEach(event -> producer.send(new ProducerRecord<>(Topics.LR_EVENTS, event.runId(), EventJson.write(event))));
            producer.commitTransaction();
            missing.forEach(event -> LOG.infof("republished the rate of run %s epoch %d (event %s), issued before a restart",
                    event.runId(), event.epoch(), event.eventId()));
        }
        LOG.infof("took back %d run(s) of partition(s) %s from %s, republished %d unsent event(s)", states.size(), owned, Topics.STATE,
                missing.size());
    }

    private int partitionOf(String runId) {
        return TopicPartitions.partitionOf(runId, partitions);
    }

    /** What the consumer group's rebalances mean for this instance's runs. */
    private final class Ownership implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            Set<Integer> gone = metricPartitions(revoked);
            schedules.forget(runId -> gone.contains(partitionOf(runId)));
            if (!gone.isEmpty()) {
                LOG.infof("partition(s) %s went to another scheduler: their runs are its now", gone);
            }
            status = status.owning(owned().stream().filter(p -> !gone.contains(p)).collect(Collectors.toSet()));
        }

        /**
         * Commands the group has never read start at the end, so that a scheduler new to a cluster does not replay old
         * ones; that end is committed at once, so that whoever owns the partition next (after a crash, say) goes on from
         * there and misses no command sent in between.
         */
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            Set<TopicPartition> commands = assigned.stream().filter(p -> p.topic().equals(Topics.COMMANDS)).collect(Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(commands);
            List<TopicPartition> unread = commands.stream().filter(p -> committed.get(p) == null).toList();
            if (!unread.isEmpty()) {
                consumer.seekToEnd(unread);
                Map<TopicPartition, OffsetAndMetadata> ends = unread.stream()
                        .collect(Collectors.toMap(p -> p, p -> new OffsetAndMetadata(consumer.position(p))));
                producer.beginTransaction();
                producer.sendOffsetsToTransaction(ends, consumer.groupMetadata());
                producer.commitTransaction();
            }
            Set<Integer> owned = metricPartitions(assigned);
            if (!owned.isEmpty()) {
                forgetAndRestore(owned);
            }
            status = status.owning(owned());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join();
        } else {
            consumer.close();
            if (producer != null) {
                producer.close();
            }
        }
    }
}
