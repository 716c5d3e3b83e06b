package io.lrpipeline.benchmarks;

import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.localrun.LocalPipeline;
import io.lrpipeline.trainer.LearningRateBoard;
import io.lrpipeline.trainer.LearningRateFeed;
import io.lrpipeline.trainer.MetricsPublisher;
import io.lrpipeline.trainer.TrainingRun;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.data.ImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.InceptionV4.Regularization;
import io.lrpipeline.trainer.model.TfRmsProp;
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
 * The pipeline's overhead: the same Inception-v4 training on the trainer's streamed data path, epoch for epoch,
 * once with the learning rate coming from the scheduler over Kafka (the trainer's own TrainingRun, metrics published)
 * and once with DL4J's in-process {@code StepSchedule(EPOCH, 0.045, 0.94, 2)} inside the same TF-RMSProp and no
 * Kafka at all. Both score the same validation images after each epoch and as many test images at the end. Rounds alternate the two in one JVM; prints
 * seconds per epoch and their ratio. Asserts nothing.
 */
@Command(name = "overhead-benchmark", mixinStandardHelpOptions = true)
public final class OverheadBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "0.0625") double width;
    @Option(names = "--input-size", defaultValue = "75") int inputSize;
    @Option(names = "--batch-size", defaultValue = "32") int batchSize;
    @Option(names = "--samples-per-epoch", defaultValue = "256") int samplesPerEpoch;
    @Option(names = "--validation-samples", defaultValue = "64") int validationSamples;
    @Option(names = "--epochs", defaultValue = "3") int epochs;
    @Option(names = "--rounds", defaultValue = "4") int rounds;
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
        ImageData data = IdxImageData.open(dataDir,
                new DataSettings(0, 1, inputSize, batchSize, 1.0 / 12, 0, samplesPerEpoch, validationSamples, validationSamples, 42, 42));
        Regularization regularization = new Regularization(4e-5, 0.9, 0.001);
        Dl4jModel viaKafka = Dl4jModel.inceptionV4(data, width, regularization, new TfRmsProp(0.045), 2, 42);
        Dl4jModel inProcess = Dl4jModel.inceptionV4(data, width, regularization, new TfRmsProp(Double.NaN,
                new StepSchedule(ScheduleType.EPOCH, 0.045, 0.94, 2), TfRmsProp.DEFAULT_DECAY, TfRmsProp.DEFAULT_MOMENTUM,
                TfRmsProp.DEFAULT_EPSILON), 2, 42);
        System.out.printf("%nInception-v4 width %s at %d×%d, batch %d, %d images + %d validated per epoch, %d epochs per round%n",
                width, inputSize, inputSize, batchSize, samplesPerEpoch, validationSamples, epochs);
        trainInProcess(viaKafka, 1); // warm-up of both models: JIT, ND4J workspaces
        trainInProcess(inProcess, 1);
        double kafkaTotal = 0;
        double localTotal = 0;
        for (int round = 0; round < rounds; round++) {
            // Alternate which goes first, so that neither always runs on a warmer or cooler machine.
            double kafka;
            double local;
            if (round % 2 == 0) {
                kafka = trainViaKafka(viaKafka, bootstrap, runId + "-round-" + round);
                local = trainInProcess(inProcess, epochs);
            } else {
                local = trainInProcess(inProcess, epochs);
                kafka = trainViaKafka(viaKafka, bootstrap, runId + "-round-" + round);
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
    private double trainViaKafka(Dl4jModel model, String bootstrap, String run) throws Exception {
        LearningRateBoard board = new LearningRateBoard(run, Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(bootstrap, run, board);
        feed.start();
        List<Instant> joinedAndFinished = new ArrayList<>();
        try (MetricsPublisher publisher = new MetricsPublisher(bootstrap)) {
            TrainingRun.Settings settings = new TrainingRun.Settings(run, "worker-0", 1, epochs, Duration.ofSeconds(60), Map.of(),
                    Duration.ofSeconds(5));
            new TrainingRun(settings, model, board, metric -> {
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

    /** Seconds for {@code epochs} epochs of the same steps with DL4J deciding the rate. */
    private static double trainInProcess(Dl4jModel model, int epochs) {
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            model.trainEpoch(epoch, step -> { });
            model.validate();
        }
        model.test();
        return (System.nanoTime() - start) / 1e9;
    }
}
