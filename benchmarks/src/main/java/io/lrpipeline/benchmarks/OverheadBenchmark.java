package io.lrpipeline.benchmarks;

import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.localrun.LocalPipeline;
import io.lrpipeline.trainer.LearningRateBoard;
import io.lrpipeline.trainer.LearningRateFeed;
import io.lrpipeline.trainer.MetricsPublisher;
import io.lrpipeline.trainer.TrainingRun;
import io.lrpipeline.trainer.data.Batch;
import io.lrpipeline.trainer.data.FashionMnist;
import io.lrpipeline.trainer.data.LabeledImages;
import io.lrpipeline.trainer.data.ShardedBatches;
import io.lrpipeline.trainer.model.Dl4jModel;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pipeline's overhead: the same Inception-v4 training, epoch for epoch, once with the learning rate coming
 * from the scheduler over Kafka (the trainer's own TrainingRun, metrics published) and once with DL4J's
 * in-process {@code StepSchedule(EPOCH, 0.045, 0.94, 2)} and no Kafka at all. Rounds alternate the two in
 * one JVM; prints seconds per epoch and their ratio. Asserts nothing.
 */
@Command(name = "overhead-benchmark", mixinStandardHelpOptions = true)
public final class OverheadBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "0.125") double width;
    @Option(names = "--input-size", defaultValue = "75") int inputSize;
    @Option(names = "--batch-size", defaultValue = "16") int batchSize;
    @Option(names = "--samples-per-epoch", defaultValue = "128") int samplesPerEpoch;
    @Option(names = "--eval-samples", defaultValue = "64") int evalSamples;
    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--rounds", defaultValue = "2") int rounds;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OverheadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new CommandLine(new LocalPipeline(System.out, this::compare)).execute("--workers", "0", "--epochs", "1", "--quiet",
                "--logdir", Files.createTempDirectory("lr-bench-runs").toString());
    }

    private void compare(String bootstrap, String runId) throws Exception {
        LabeledImages train = FashionMnist.train(dataDir, samplesPerEpoch * epochs);
        ShardedBatches batches = new ShardedBatches(train, 0, 1, samplesPerEpoch, batchSize, inputSize, 1, 42);
        List<Batch> evaluation = ShardedBatches.all(FashionMnist.test(dataDir, evalSamples), batchSize, inputSize, 1);
        Dl4jModel viaKafka = Dl4jModel.inceptionV4(inputSize, 1, FashionMnist.CLASSES, width, 0.045, 42);
        Dl4jModel inProcess = Dl4jModel.inceptionV4(inputSize, 1, FashionMnist.CLASSES, width,
                new StepSchedule(ScheduleType.EPOCH, 0.045, 0.94, 2), 42);
        System.out.printf("%nInception-v4 width %s at %d×%d, batch %d, %d images + %d evaluated per epoch, %d epochs per round%n",
                width, inputSize, inputSize, batchSize, samplesPerEpoch, evalSamples, epochs);
        trainInProcess(viaKafka, batches, evaluation, 1); // warm-up of both models: JIT, ND4J workspaces
        trainInProcess(inProcess, batches, evaluation, 1);
        double kafkaTotal = 0;
        double localTotal = 0;
        for (int round = 0; round < rounds; round++) {
            // Alternate which goes first, so that neither always runs on a warmer or cooler machine.
            double kafka;
            double local;
            if (round % 2 == 0) {
                kafka = trainViaKafka(viaKafka, batches, evaluation, bootstrap, runId + "-round-" + round);
                local = trainInProcess(inProcess, batches, evaluation, epochs);
            } else {
                local = trainInProcess(inProcess, batches, evaluation, epochs);
                kafka = trainViaKafka(viaKafka, batches, evaluation, bootstrap, runId + "-round-" + round);
            }
            kafkaTotal += kafka;
            localTotal += local;
            System.out.printf("round %d: via Kafka %.2f s/epoch, in-process DL4J schedule %.2f s/epoch, ratio %.3f%n",
                    round + 1, kafka / epochs, local / epochs, kafka / local);
        }
        System.out.printf("overall: via Kafka %.2f s/epoch, in-process %.2f s/epoch, ratio %.3f%n",
                kafkaTotal / (rounds * epochs), localTotal / (rounds * epochs), kafkaTotal / localTotal);
    }

    /** Seconds from joining to finishing, including every wait for the scheduler's rate. */
    private double trainViaKafka(Dl4jModel model, ShardedBatches batches, List<Batch> evaluation, String bootstrap, String run)
            throws Exception {
        LearningRateBoard board = new LearningRateBoard(run, Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(bootstrap, run, board);
        feed.start();
        List<Instant> joinedAndFinished = new ArrayList<>();
        try (MetricsPublisher publisher = new MetricsPublisher(bootstrap)) {
            TrainingRun.Settings settings = new TrainingRun.Settings(run, "worker-0", 1, epochs, Duration.ofSeconds(60), Map.of());
            new TrainingRun(settings, model, batches, evaluation, board, metric -> {
                publisher.accept(metric);
                if (metric instanceof WorkerJoined || metric instanceof WorkerFinished) {
                    joinedAndFinished.add(metric.at());
                }
            }, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()).run();
        } finally {
            feed.shutdown();
        }
        return Duration.between(joinedAndFinished.get(0), joinedAndFinished.get(1)).toNanos() / 1e9;
    }

    /** Seconds for {@code epochs} epochs of the same loop with DL4J deciding the rate. */
    private static double trainInProcess(Dl4jModel model, ShardedBatches batches, List<Batch> evaluation, int epochs) {
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (Batch batch : batches.epoch(epoch)) {
                model.fit(batch);
            }
            model.epochEnded();
            for (Batch batch : evaluation) {
                model.countCorrect(batch);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
