package io.lrpipeline.localrun;

import io.lrpipeline.events.CommandOutcome;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.ConsumerRunner;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Collects a run's epoch starts and ends from {@code training.metrics} and prints them as a table; prints the
 * outcome of each command sent to the run (from {@code lr.commands.replies}) as it comes.
 */
final class RunSummary {
    /** One worker's epoch: the rate it applied and what came of it. */
    record EpochLine(Double appliedRate, String rateSource, Double loss, Evaluation validation, Double imagesPerSecond) {}

    private static final EpochLine NOTHING_YET = new EpochLine(null, null, null, null, null);

    private final KafkaSettings kafka;
    private final String runId;
    private final PrintStream console;
    private final Map<Integer, Map<String, EpochLine>> epochs = new TreeMap<>();
    private final Map<String, Evaluation> tests = new TreeMap<>();
    private final Map<String, List<String>> resumes = new TreeMap<>();
    private volatile ConsumerRunner runner;

    RunSummary(KafkaSettings kafka, String runId, PrintStream console) {
        this.kafka = kafka;
        this.runId = runId;
        this.console = console;
    }

    void start() {
        runner = ConsumerRunner.start("run-summary", kafka.committedReader(),
                consumer -> consumer.seekToBeginning(TopicPartitions.assignAll(consumer,
                        List.of(Topics.TRAINING_METRICS, Topics.COMMANDS_REPLIES), Duration.ofSeconds(30))),
                record -> {
                    if (!runId.equals(record.key())) {
                        return;
                    }
                    if (record.topic().equals(Topics.COMMANDS_REPLIES)) {
                        showOutcome(record.value());
                    } else {
                        record(record.value());
                    }
                });
    }

    void shutdown() throws InterruptedException {
        if (runner != null) {
            runner.close();
        }
    }

    synchronized Map<Integer, Map<String, EpochLine>> epochs() {
        Map<Integer, Map<String, EpochLine>> copy = new TreeMap<>();
        epochs.forEach((epoch, workers) -> copy.put(epoch, new TreeMap<>(workers)));
        return copy;
    }

    /** Each worker's final model scored on the test split, once it finished. */
    synchronized Map<String, Evaluation> tests() {
        return new TreeMap<>(tests);
    }

    /** Where each worker went on from a checkpoint when it was started again: "epoch 2, after iteration 7". */
    synchronized Map<String, List<String>> resumes() {
        Map<String, List<String>> copy = new TreeMap<>();
        resumes.forEach((worker, at) -> copy.put(worker, List.copyOf(at)));
        return copy;
    }

    void print(PrintStream out) {
        out.println();
        out.printf("%-6s %-10s %-22s %-10s %-9s %-9s %-9s %s%n", "epoch", "worker", "lr applied", "source", "loss", "val loss",
                "val acc", "img/s");
        epochs().forEach((epoch, workers) -> workers.forEach((worker, line) -> out.printf("%-6d %-10s %-22s %-10s %-9s %-9s %-9s %s%n",
                epoch, worker, line.appliedRate(), line.rateSource(), format(line.loss(), "%.4f"),
                line.validation() == null ? "-" : "%.4f".formatted(line.validation().loss()),
                line.validation() == null ? "-" : "%.3f".formatted(line.validation().accuracy()),
                format(line.imagesPerSecond(), "%.1f"))));
        tests().forEach((worker, test) -> out.printf("test   %-10s accuracy %.3f, loss %.4f on %,d test images%n",
                worker, test.accuracy(), test.loss(), test.samples()));
        resumes().forEach((worker, at) -> out.printf("resumed %-8s %d time%s from its checkpoints: %s%n", worker, at.size(),
                at.size() == 1 ? "" : "s", String.join("; ", at)));
    }

    private static String format(Double value, String pattern) {
        return value == null ? "-" : pattern.formatted(value);
    }

    /** One line per command, as the operator who sent it would want to see it next to the progress lines. */
    private void showOutcome(String json) {
        try {
            CommandOutcome outcome = EventJson.read(json, CommandOutcome.class);
            console.printf("command %s | %s | %s%n", outcome.commandId(), outcome.status().name().toLowerCase(), outcome.message());
        } catch (InvalidEventException e) {
            // not an outcome this run's table can show
        }
    }

    private synchronized void record(String json) {
        TrainingMetric metric;
        try {
            metric = EventJson.read(json, TrainingMetric.class);
        } catch (InvalidEventException e) {
            return;
        }
        if (metric instanceof WorkerJoined joined && (joined.startEpoch() > 0 || joined.startIteration() > 0)) {
            resumes.computeIfAbsent(joined.workerId(), w -> new ArrayList<>())
                    .add("epoch %d after iteration %d".formatted(joined.startEpoch(), joined.startIteration()));
        } else if (metric instanceof EpochStarted started) {
            update(started.epoch(), started.workerId(),
                    line -> new EpochLine(started.learningRate(), started.source().name().toLowerCase(), line.loss(), line.validation(),
                            line.imagesPerSecond()));
        } else if (metric instanceof EpochEnded ended) {
            update(ended.epoch(), ended.workerId(),
                    line -> new EpochLine(line.appliedRate(), line.rateSource(), ended.loss(), ended.validation(), ended.imagesPerSecond()));
        } else if (metric instanceof WorkerFinished finished && finished.test() != null) {
            tests.put(finished.workerId(), finished.test());
        }
    }

    private void update(int epoch, String worker, UnaryOperator<EpochLine> change) {
        Map<String, EpochLine> workers = epochs.computeIfAbsent(epoch, e -> new TreeMap<>());
        workers.put(worker, change.apply(workers.getOrDefault(worker, NOTHING_YET)));
    }
}
