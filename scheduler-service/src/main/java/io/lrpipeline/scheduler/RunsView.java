package io.lrpipeline.scheduler;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.kafka.ConsumerRunner;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Every run as {@code lr.state} and the scheduler's private ledger hold it, whichever scheduler owns it, and every
 * command outcome on {@code lr.commands.replies} from this instance's start: what lets the REST API of any instance
 * read any run and answer a command another instance decided. Fed by one consumer of all partitions of these topics
 * (committed records only), on a thread of its own; {@link #start} returns once it has read the states to their end.
 */
final class RunsView implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunsView.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<String, String> consumer;
    private final CommandOutcomes outcomes;
    private final Map<String, RunState> runs = new TreeMap<>();
    private final PrivateLedger ledger = new PrivateLedger();
    private volatile ConsumerRunner runner;

    RunsView(KafkaSettings kafka, CommandOutcomes outcomes) {
        this.outcomes = outcomes;
        this.consumer = kafka.committedReader();
    }

    void start() {
        List<String> stateTopics = new ArrayList<>(List.of(Topics.STATE));
        stateTopics.addAll(PrivateLedger.TOPICS);
        List<TopicPartition> states = TopicPartitions.of(consumer, stateTopics, TIMEOUT);
        List<TopicPartition> replies = TopicPartitions.of(consumer, List.of(Topics.COMMANDS_REPLIES), TIMEOUT);
        List<TopicPartition> all = new ArrayList<>(states);
        all.addAll(replies);
        consumer.assign(all);
        consumer.seekToBeginning(states);
        consumer.seekToEnd(replies);
        replies.forEach(consumer::position); // the end now: no reply from here on is skipped
        TopicPartitions.readToEnd(consumer, states, this::handle, TIMEOUT);
        runner = ConsumerRunner.start("lr-scheduler-runs-view", consumer, assigned -> { }, this::handle);
    }

    synchronized List<RunState> runs() {
        return List.copyOf(runs.values());
    }

    /** The run with its workers' applied rates. */
    synchronized Optional<RunState> run(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(ledger::complete);
    }

    /** Waits up to {@code timeout} until the view holds {@code runId} at {@code version} or later (a caller reads its own write). */
    synchronized boolean awaitVersion(String runId, long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (RunState run = runs.get(runId); run == null || run.scheduleVersion() < version; run = runs.get(runId)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private void handle(ConsumerRecord<String, String> record) {
        switch (record.topic()) {
            case Topics.STATE -> state(record);
            case Topics.SCHEDULER_APPLIED, Topics.SCHEDULER_UNDO -> ledger(record);
            default -> reply(record);
        }
    }

    private synchronized void state(ConsumerRecord<String, String> record) {
        TopicHistory.keepNewest(record, runs, RunState.class, RunState::runId);
        notifyAll();
    }

    private synchronized void ledger(ConsumerRecord<String, String> record) {
        ledger.keep(record);
    }

    private void reply(ConsumerRecord<String, String> record) {
        try {
            outcomes.completed(EventJson.read(record.value(), CommandOutcome.class));
        } catch (InvalidEventException e) {
            LOG.warnf("skipping unreadable %s record at offset %d: %s", Topics.COMMANDS_REPLIES, record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (runner != null) {
            runner.close();
        } else {
            consumer.close();
        }
    }
}
