package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.Principal;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.TopicPartitions;
import io.lrpipeline.localrun.LocalPipeline;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Learning-rate event latency, scheduler → trainer, on the real pipeline (KRaft broker, Quarkus scheduler):
 * first with real DL4J trainers, then with many lightweight simulated workers. Prints figures; asserts nothing.
 */
@Command(name = "latency-benchmark", mixinStandardHelpOptions = true)
public final class LatencyBenchmark implements Callable<Integer> {
    @Option(names = "--trainers", defaultValue = "2") int trainers;
    @Option(names = "--trainer-epochs", defaultValue = "12") int trainerEpochs;
    @Option(names = "--simulated-workers", defaultValue = "64") int simulatedWorkers;
    @Option(names = "--simulated-epochs", defaultValue = "20") int simulatedEpochs;
    @Option(names = "--simulated-epoch-ms", defaultValue = "200") long simulatedEpochMs;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") String dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LatencyBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        int status = pipeline(List.of("--workers", String.valueOf(trainers), "--epochs", String.valueOf(trainerEpochs),
                        "--samples-per-epoch", "32", "--batch-size", "8", "--width", "0.0625", "--validation-samples", "16", "--test-samples", "16"),
                (broker, run) -> records.addAll(TopicPartitions.readAll(broker.settings(Principal.ADMIN),
                        List.of(Topics.LR_EVENTS, Topics.TRAINING_METRICS), Duration.ofSeconds(30))));
        if (status != 0) {
            return status;
        }
        reportRealTrainers(records);

        List<SimulatedWorkers.Latencies> simulated = new ArrayList<>();
        status = pipeline(List.of("--workers", "0", "--epochs", "1"),
                (broker, run) -> simulated.add(SimulatedWorkers.run(broker.settings(Principal.TRAINER), run, simulatedWorkers, simulatedEpochs,
                        Duration.ofMillis(simulatedEpochMs), 0)));
        System.out.printf("%n%d simulated workers, %d epochs of %d ms:%n", simulatedWorkers, simulatedEpochs, simulatedEpochMs);
        System.out.printf("  issued → received by each worker's consumer: %s%n", Percentiles.describe(simulated.get(0).received()));
        System.out.printf("  issued → applied, worker already waiting at issue: %s%n",
                Percentiles.describe(simulated.get(0).appliedWhileWaiting()));
        return status;
    }

    private int pipeline(List<String> arguments, LocalPipeline.ServicesUp work) throws Exception {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(List.of("--quiet", "--data-dir", dataDir, "--logdir", Files.createTempDirectory("lr-bench-runs").toString()));
        return new CommandLine(new LocalPipeline(System.out, work)).execute(all.toArray(String[]::new));
    }

    /**
     * Sorts each (worker, epoch) into: epoch 0 (the run's first event, the scheduler's first message); a worker
     * that was already waiting when the event was issued (it triggered the event, or was as fast): issued →
     * applied and its whole boundary round trip, epoch ended → applied; a worker that reached the boundary
     * after the event had arrived: epoch ended → applied.
     */
    private static void reportRealTrainers(List<ConsumerRecord<String, String>> records) {
        Map<String, Instant> issued = new HashMap<>();
        Map<String, Instant> waitingSince = new HashMap<>();
        List<Double> firstEpoch = new ArrayList<>();
        List<Double> issuedToApplied = new ArrayList<>();
        List<Double> roundTrip = new ArrayList<>();
        List<Double> eventAhead = new ArrayList<>();
        records.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        for (ConsumerRecord<String, String> record : records) {
            if (record.topic().equals(Topics.LR_EVENTS)) {
                LearningRateChanged event = EventJson.read(record.value(), LearningRateChanged.class);
                issued.put(event.eventId(), event.issuedAt());
                continue;
            }
            TrainingMetric metric = EventJson.read(record.value(), TrainingMetric.class);
            if (metric instanceof WorkerJoined || metric instanceof EpochEnded) {
                waitingSince.put(metric.workerId(), metric.at());
            } else if (metric instanceof EpochStarted started && started.source() == RateSource.SCHEDULER) {
                Instant issue = issued.get(started.lrEventId());
                Instant waiting = waitingSince.get(started.workerId());
                if (started.epoch() == 0) {
                    firstEpoch.add(millis(issue, started.at()));
                } else if (!waiting.isAfter(issue)) {
                    issuedToApplied.add(millis(issue, started.at()));
                    roundTrip.add(millis(waiting, started.at()));
                } else {
                    eventAhead.add(millis(waiting, started.at()));
                }
            }
        }
        System.out.printf("%nReal DL4J trainers (each (worker, epoch) once):%n");
        System.out.printf("  epoch 0, issued → applied: %s%n", Percentiles.describe(firstEpoch));
        System.out.printf("  epochs ≥ 1, worker waiting at issue: issued → applied: %s%n", Percentiles.describe(issuedToApplied));
        System.out.printf("  epochs ≥ 1, worker waiting at issue: epoch ended → applied (round trip): %s%n", Percentiles.describe(roundTrip));
        System.out.printf("  epochs ≥ 1, event there first: epoch ended → applied: %s%n", Percentiles.describe(eventAhead));
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }
}
