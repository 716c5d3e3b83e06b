package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.localrun.LocalPipeline;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Live-change latency on the real pipeline (KRaft broker, Quarkus scheduler) with lightweight simulated workers,
 * each with its own consumer of {@code lr.events}:
 * <ol>
 * <li>for 1, 8 and 64 workers: an override command is sent, and as soon as it is accepted every worker ends the
 * epoch; measured are command sent → accepted, last epoch end sent → rate event published, published → arrived at
 * every worker, and command sent → arrived at the last worker;</li>
 * <li>runs per scheduler: R one-worker runs, each ending an epoch every {@code --epoch-ms}, with the time from an
 * epoch's end to the next rate arriving, p50/p99, for growing R.</li>
 * </ol>
 * With {@code --schedulers N}, N instances share the runs by partition.
 * Prints figures; asserts nothing.
 */
@Command(name = "command-benchmark", mixinStandardHelpOptions = true)
public final class CommandBenchmark implements Callable<Integer> {
    @Option(names = "--workers", split = ",", defaultValue = "1,8,64") List<Integer> workerCounts;
    @Option(names = "--rounds", defaultValue = "20") int rounds;
    @Option(names = "--runs", split = ",", defaultValue = "1,10,50,100,200,400") List<Integer> runCounts;
    @Option(names = "--epoch-ms", defaultValue = "1000") long epochMs;
    @Option(names = "--epochs-per-run", defaultValue = "10") int epochsPerRun;
    @Option(names = "--schedulers", defaultValue = "1", description = "Scheduler instances sharing the runs") int schedulers;

    private KafkaProducer<String, String> producer;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CommandBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new CommandLine(new LocalPipeline(System.out, this::measure)).execute("--workers", "0", "--epochs", "1", "--quiet",
                "--schedulers", String.valueOf(schedulers),
                "--logdir", Files.createTempDirectory("lr-bench-runs").toString());
    }

    private void measure(LocalKafkaBroker broker, String ignoredRun) throws Exception {
        String bootstrap = broker.bootstrapServers();
        producer = KafkaSettings.plain(bootstrap).producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        try {
            System.out.printf("%nCommand → rate event → every worker (%d rounds each; ms):%n", rounds);
            for (int workers : workerCounts) {
                liveChange(bootstrap, workers);
            }
            System.out.printf("%nRuns per scheduler: one worker per run, an epoch every %d ms, %d epochs each; epoch end → next rate arrived (ms):%n",
                    epochMs, epochsPerRun);
            for (int runs : runCounts) {
                manyRuns(bootstrap, runs);
            }
        } finally {
            producer.close();
        }
    }

    private void liveChange(String bootstrap, int workers) throws Exception {
        String run = "cmd-" + workers + "-" + System.nanoTime();
        List<EventArrivals> feeds = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            feeds.add(new EventArrivals(bootstrap, Topics.LR_EVENTS));
        }
        try (EventArrivals replies = new EventArrivals(bootstrap, Topics.COMMANDS_REPLIES)) {
            for (int w = 0; w < workers; w++) {
                send(new WorkerJoined(run, "w" + w, workers, rounds + 2, 0, 0, Map.of(), Instant.now()));
            }
            for (EventArrivals feed : feeds) {
                feed.await(EventArrivals.eventKey(run, 0), Duration.ofSeconds(60));
            }
            List<Double> accepted = new ArrayList<>();
            List<Double> decided = new ArrayList<>();
            List<Double> delivered = new ArrayList<>();
            List<Double> lastWorker = new ArrayList<>();
            List<Double> total = new ArrayList<>();
            for (int epoch = 0; epoch < rounds; epoch++) {
                String commandId = run + "-c" + epoch;
                Instant sent = Instant.now();
                producer.send(new ProducerRecord<>(Topics.COMMANDS, run, "{\"commandId\": \"" + commandId + "\", \"runId\": \"" + run
                        + "\", \"type\": \"override\", \"learningRate\": " + (0.01 + epoch * 0.001) + ", \"by\": \"benchmark\"}"));
                accepted.add(millis(sent, replies.await(commandId, Duration.ofSeconds(30)).at()));
                for (int w = 0; w < workers; w++) {
                    send(new EpochEnded(run, "w" + w, epoch, 1, 1.0, new Evaluation(1.0, 0.5, null, 1), 1.0, 0.01, Instant.now()));
                }
                Instant lastEnded = Instant.now();
                Instant latest = Instant.MIN;
                Instant issued = null;
                for (EventArrivals feed : feeds) {
                    EventArrivals.Arrival arrival = feed.await(EventArrivals.eventKey(run, epoch + 1), Duration.ofSeconds(60));
                    issued = EventJson.read(arrival.value(), LearningRateChanged.class).issuedAt();
                    delivered.add(millis(issued, arrival.at()));
                    latest = arrival.at().isAfter(latest) ? arrival.at() : latest;
                }
                decided.add(millis(lastEnded, issued));
                lastWorker.add(millis(issued, latest));
                total.add(millis(sent, latest));
            }
            System.out.printf("  %d worker(s):%n", workers);
            System.out.printf("    command sent → accepted (outcome received):      %s%n", Percentiles.describe(accepted));
            System.out.printf("    last epoch end sent → rate event issued:         %s%n", Percentiles.describe(decided));
            System.out.printf("    issued → arrived, each worker:                   %s%n", Percentiles.describe(delivered));
            System.out.printf("    issued → arrived at the last worker:             %s%n", Percentiles.describe(lastWorker));
            System.out.printf("    command sent → new rate at every worker (total): %s%n", Percentiles.describe(total));
        } finally {
            for (EventArrivals feed : feeds) {
                feed.close();
            }
        }
    }

    private void manyRuns(String bootstrap, int runs) throws Exception {
        String prefix = "load-" + runs + "-" + System.nanoTime() + "-";
        try (EventArrivals feed = new EventArrivals(bootstrap, Topics.LR_EVENTS)) {
            for (int r = 0; r < runs; r++) {
                send(new WorkerJoined(prefix + r, "w0", 1, epochsPerRun + 1, 0, 0, Map.of(), Instant.now()));
            }
            for (int r = 0; r < runs; r++) {
                feed.await(EventArrivals.eventKey(prefix + r, 0), Duration.ofSeconds(120));
            }
            List<Double> latencies = new ArrayList<>();
            long start = System.nanoTime();
            for (int epoch = 0; epoch < epochsPerRun; epoch++) {
                Instant[] ended = new Instant[runs];
                for (int r = 0; r < runs; r++) {
                    long due = start + (epoch * epochMs + r * epochMs / runs) * 1_000_000; // runs spread evenly over the epoch
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    ended[r] = Instant.now();
                    send(new EpochEnded(prefix + r, "w0", epoch, 1, 1.0, new Evaluation(1.0, 0.5, null, 1), 1.0, 0.01, ended[r]));
                }
                for (int r = 0; r < runs; r++) {
                    latencies.add(millis(ended[r], feed.await(EventArrivals.eventKey(prefix + r, epoch + 1), Duration.ofSeconds(120)).at()));
                }
            }
            System.out.printf("  %4d runs (%.0f epoch ends/s): %s%n", runs, runs * 1000.0 / epochMs, Percentiles.describe(latencies));
        }
    }

    private void send(TrainingMetric metric) {
        producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, metric.runId(), EventJson.write(metric)));
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }
}
