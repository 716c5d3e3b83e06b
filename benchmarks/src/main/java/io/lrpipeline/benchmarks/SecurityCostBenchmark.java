package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.BrokerSecurity;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.localrun.LocalPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What securing Kafka costs, plain and secured side by side in one run, the order swapped every round: the
 * learning-rate path through the whole local pipeline ({@code --workers 0}, with and without {@code --secure}),
 * simulated workers logged in as {@code lr-trainer} (the scheduler's event issued → received by each worker's
 * consumer, and → applied by a worker already waiting; epochs from 1, epoch 0's event meeting consumers still
 * starting), and the log-sink's speed (a whole sink, as {@code lr-sink},
 * replaying {@code training.metrics} into forced event files) on a broker of each kind in this JVM. A plain round
 * that counts for nothing goes first, so that neither kind pays for this JVM's warm-up.
 */
@Command(name = "security-benchmark", mixinStandardHelpOptions = true,
        description = "The cost of SASL_SSL and ACLs on the learning-rate path and on the log-sink, plain vs secured.")
public final class SecurityCostBenchmark implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of plain and secured, the order swapped each round (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--workers", defaultValue = "8", description = "Simulated workers of the run (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs per round (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--epoch-ms", defaultValue = "200", description = "A simulated epoch's length (default ${DEFAULT-VALUE}).")
    long epochMs;

    @Option(names = "--points", defaultValue = "2000000", description = "Scalar points the sink replays per round (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--runs", defaultValue = "8", description = "Runs the points are spread over, 4 workers each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--work", defaultValue = "target/security-benchmark") Path work;

    private final Leg plain = new Leg("plain");
    private final Leg secured = new Leg("secured");

    /** What one kind of broker measured, over every round. */
    private record Leg(String name, List<Double> received, List<Double> applied, List<Double> sinkPointsPerSecond) {
        Leg(String name) {
            this(name, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SecurityCostBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SinkBenchmark.deleteRecursively(work);
        System.out.printf("security benchmark · %d cores · %s · %d rounds · %d simulated workers × %d epochs of %d ms · %,d sink points%n",
                Runtime.getRuntime().availableProcessors(), Instant.now(), rounds, workers, epochs, epochMs, points);
        int status = learningRatePath(new Leg("warm-up"), -1);
        if (status != 0) {
            return status;
        }
        sink(new Leg("warm-up"), -1);
        for (int round = 0; round < rounds; round++) {
            for (Leg leg : round % 2 == 0 ? List.of(plain, secured) : List.of(secured, plain)) {
                status = learningRatePath(leg, round);
                if (status != 0) {
                    return status;
                }
                sink(leg, round);
            }
        }
        System.out.printf("%n%-58s %12s %12s %8s%n", "", "plain", "secured", "ratio");
        row("event issued → received by a worker's consumer, p50 (ms)", Percentiles.of(plain.received(), 50), Percentiles.of(secured.received(), 50));
        row("event issued → received by a worker's consumer, p99 (ms)", Percentiles.of(plain.received(), 99), Percentiles.of(secured.received(), 99));
        row("event issued → applied, worker waiting, p50 (ms)", Percentiles.of(plain.applied(), 50), Percentiles.of(secured.applied(), 50));
        row("event issued → applied, worker waiting, p99 (ms)", Percentiles.of(plain.applied(), 99), Percentiles.of(secured.applied(), 99));
        row("log-sink replay, points/s (mean of rounds)", mean(plain.sinkPointsPerSecond()), mean(secured.sinkPointsPerSecond()));
        System.out.printf("(samples: %d and %d received, %d and %d applied; sink rounds plain %s, secured %s)%n",
                plain.received().size(), secured.received().size(), plain.applied().size(), secured.applied().size(),
                rounded(plain.sinkPointsPerSecond()), rounded(secured.sinkPointsPerSecond()));
        return 0;
    }

    private int learningRatePath(Leg leg, int round) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--workers", "0", "--epochs", "1", "--quiet",
                "--logdir", Files.createTempDirectory("lr-bench-security").toString()));
        if (leg == secured) {
            arguments.add("--secure");
        }
        int status = new CommandLine(new LocalPipeline(System.out, (broker, run) -> {
            SimulatedWorkers.Latencies latencies = SimulatedWorkers.run(broker.settings(Principal.TRAINER), run, workers, epochs,
                    Duration.ofMillis(epochMs), 1);
            leg.received().addAll(latencies.received());
            leg.applied().addAll(latencies.appliedWhileWaiting());
        })).execute(arguments.toArray(String[]::new));
        System.out.printf("round %d, %s: learning-rate path done (exit %d)%n", round, leg.name(), status);
        return status;
    }

    private void sink(Leg leg, int round) throws Exception {
        Path dir = work.resolve(leg.name() + "-" + round);
        try (LocalKafkaBroker broker = leg == secured
                ? LocalKafkaBroker.startSecured(dir.resolve("kafka"), BrokerSecurity.generate(dir.resolve("security")))
                : LocalKafkaBroker.start(dir.resolve("kafka"))) {
            broker.createContractTopics();
            SinkBenchmark.fill(broker.settings(Principal.TRAINER), points, runs);
            SinkBenchmark.Replay replay = SinkBenchmark.replay(broker.settings(Principal.SINK), dir.resolve("logs"), "log-sink-benchmark");
            leg.sinkPointsPerSecond().add(replay.pointsPerSecond());
            System.out.printf("round %d, %s: the sink wrote %,d points in %.1f s%n", round, leg.name(), replay.points(), replay.seconds());
        }
    }

    private static void row(String what, double plain, double secured) {
        System.out.printf("%-58s %12.1f %12.1f %8.2f%n", what, plain, secured, secured / plain);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }
}
