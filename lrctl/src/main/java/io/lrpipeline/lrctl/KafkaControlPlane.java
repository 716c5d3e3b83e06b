package io.lrpipeline.lrctl;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateCommand;
import io.lrpipeline.events.RunState.AppliedRate;
import io.lrpipeline.events.RunState.Member;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import io.lrpipeline.lrctl.RunReport.WorkerEpoch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The control plane as the contract has it: runs from {@code lr.state}, what each worker applied and how its epochs
 * went from {@code training.metrics}, commands on {@code lr.commands} and their outcomes from {@code lr.commands.replies}.
 * A run is read from its own partitions only (every record of a run is keyed by its id), and a consumer that has read
 * a run goes on from where it stopped, so that {@code watch} reads each record once.
 */
final class KafkaControlPlane implements ControlPlane {
    private final KafkaSettings kafka;
    private final Duration timeout;
    private KafkaConsumer<String, String> runReader;
    private String readRunId;
    private RunState state;
    private final Map<String, NavigableMap<Integer, AppliedRate>> applied = new HashMap<>();
    private final Map<String, NavigableMap<Integer, WorkerEpoch>> finishedEpochs = new HashMap<>();

    KafkaControlPlane(KafkaSettings kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public List<RunLine> runs() {
        Map<String, RunState> newest = new TreeMap<>();
        for (ConsumerRecord<String, String> record : TopicPartitions.readAll(kafka, List.of(Topics.STATE), timeout)) {
            if (record.value() == null) {
                newest.remove(record.key());
            } else {
                readState(record).ifPresent(read -> newest.put(read.runId(), read));
            }
        }
        return newest.values().stream().map(s -> new RunLine(s.runId(), s.scheduleVersion(),
                s.issued().isEmpty() ? -1 : s.issued().lastKey(), s.epochs(), s.plan().paused())).toList();
    }

    @Override
    public synchronized Optional<RunReport> run(String runId) {
        if (!runId.equals(readRunId)) {
            startReading(runId);
        }
        TopicPartitions.readToEnd(runReader, runReader.assignment(), record -> take(runId, record), timeout);
        if (state == null) {
            return Optional.empty();
        }
        Map<String, Member> members = new HashMap<>();
        state.members().forEach((id, m) -> members.put(id,
                new Member(m.lastEpochEnded(), m.lastSeen(), m.status(), applied.getOrDefault(id, new TreeMap<>()))));
        RunState withRates = new RunState(state.runId(), state.scheduleVersion(), state.plan(), state.workers(), state.epochs(), members,
                state.issued(), state.observed(), state.history(), state.undoable(), state.updatedAt());
        List<Double> planned = new ArrayList<>();
        for (int epoch = 0; epoch < state.epochs(); epoch++) {
            planned.add(state.rateAt(epoch));
        }
        return Optional.of(new RunReport(withRates, planned, finishedEpochs));
    }

    private void startReading(String runId) {
        if (runReader != null) {
            runReader.close();
        }
        runReader = kafka.committedReader();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.STATE, Topics.TRAINING_METRICS)) {
            int count = TopicPartitions.of(runReader, List.of(topic), timeout).size();
            partitions.add(new TopicPartition(topic, TopicPartitions.partitionOf(runId, count)));
        }
        runReader.assign(partitions);
        runReader.seekToBeginning(partitions);
        readRunId = runId;
        state = null;
        applied.clear();
        finishedEpochs.clear();
    }

    private void take(String runId, ConsumerRecord<String, String> record) {
        if (!runId.equals(record.key())) {
            return;
        }
        if (record.topic().equals(Topics.STATE)) {
            state = record.value() == null ? null : readState(record).orElse(state);
            return;
        }
        try {
            TrainingMetric metric = EventJson.read(record.value(), TrainingMetric.class);
            if (metric instanceof TrainingMetric.EpochStarted started) {
                applied.computeIfAbsent(started.workerId(), w -> new TreeMap<>())
                        .put(started.epoch(), new AppliedRate(started.learningRate(), started.scheduleVersion(), started.source()));
            } else if (metric instanceof TrainingMetric.EpochEnded ended) {
                finishedEpochs.computeIfAbsent(ended.workerId(), w -> new TreeMap<>())
                        .put(ended.epoch(), new WorkerEpoch(ended.loss(), ended.validation() == null ? null : ended.validation().accuracy()));
            }
        } catch (InvalidEventException e) {
            // not a metric of the contract: the scheduler rejects it too, and it says nothing of the run
        }
    }

    private static Optional<RunState> readState(ConsumerRecord<String, String> record) {
        try {
            return Optional.of(EventJson.read(record.value(), RunState.class, EventJson.MAX_STATE_CHARS));
        } catch (InvalidEventException e) {
            return Optional.empty();
        }
    }

    @Override
    public CommandOutcome send(LearningRateCommand command) {
        try (KafkaConsumer<String, String> replies = kafka.committedReader()) {
            int count = TopicPartitions.of(replies, List.of(Topics.COMMANDS_REPLIES), timeout).size();
            TopicPartition partition = new TopicPartition(Topics.COMMANDS_REPLIES, TopicPartitions.partitionOf(command.runId(), count));
            replies.assign(List.of(partition));
            replies.seekToEnd(List.of(partition));
            replies.position(partition, timeout); // from here on: the outcome cannot come before this
            publish(command);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : replies.poll(Duration.ofMillis(200))) {
                    Optional<CommandOutcome> outcome = outcomeOf(record, command.commandId());
                    if (outcome.isPresent()) {
                        return outcome.get();
                    }
                }
            }
        }
        throw new IllegalStateException("command " + command.commandId() + " was published on " + Topics.COMMANDS
                + " but no outcome came within " + timeout.toSeconds() + " s (is a scheduler running?)");
    }

    private void publish(LearningRateCommand command) {
        Map<String, Object> own = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1_000, // at least request timeout + linger
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        try (KafkaProducer<String, String> producer = kafka.producer(own)) {
            producer.send(new ProducerRecord<>(Topics.COMMANDS, command.runId(), EventJson.write(command)))
                    .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Kafka refused the command: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no Kafka broker took the command within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the command", e);
        }
    }

    private static Optional<CommandOutcome> outcomeOf(ConsumerRecord<String, String> record, String commandId) {
        try {
            CommandOutcome outcome = EventJson.read(record.value(), CommandOutcome.class);
            return commandId.equals(outcome.commandId()) ? Optional.of(outcome) : Optional.empty();
        } catch (InvalidEventException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (runReader != null) {
            runReader.close();
        }
    }
}
