package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.localrun.LocalPipeline;
import io.lrpipeline.trainer.Checkpoints;
import io.lrpipeline.trainer.LearningRateBoard;
import io.lrpipeline.trainer.LearningRateFeed;
import io.lrpipeline.trainer.MetricsPublisher;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainingRun;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.data.ImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.Engine;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The pipeline's overhead: the same Inception-v4 training on the trainer's streamed data path, epoch for epoch,
 * once with the learning rate coming from the scheduler over Kafka (the trainer's own TrainingRun, metrics published)
 * and once with the same {@code inception-v4} schedule computed in-process and set on the model at each epoch
 * boundary, no Kafka at all. Both score the same validation images after each epoch and as many test images at the
 * end. Each round runs four segments of {@code --epochs} epochs, Kafka, in-process, in-process, Kafka, on two identical
 * models that each take both paths once, so that neither a model nor a drift of the machine within the round favours a
 * path. Prints seconds per epoch and their ratio. Asserts nothing.
 */
@Command(name = "overhead-benchmark", mixinStandardHelpOptions = true)
public final class OverheadBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "0.0625") double width;
    @Option(names = "--input-size", defaultValue = "75") int inputSize;
    @Option(names = "--batch-size", defaultValue = "32") int batchSize;
    @Option(names = "--samples-per-epoch", defaultValue = "256") int samplesPerEpoch;
    @Option(names = "--validation-samples", defaultValue = "64") int validationSamples;
    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per segment; a round has four.") int epochs;
    @Option(names = "--rounds", defaultValue = "3") int rounds;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OverheadBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new CommandLine(new LocalPipeline(System.out, this::compare)).execute("--workers", "0", "--epochs", "1", "--quiet",
                "--logdir", Files.createTempDirectory("lr-bench-runs").toString());
    }

    private void compare(LocalKafkaBroker broker, String runId) throws Exception {
        String bootstrap = broker.bootstrapServers();
        ImageData data = IdxImageData.open(dataDir,
                new DataSettings(0, 1, inputSize, batchSize, 1.0 / 12, 0, samplesPerEpoch, validationSamples, validationSamples, 42, 42));
        Regularization regularization = new Regularization(4e-5, 0.9, 0.001);
        Dl4jModel[] models = {
                Dl4jModel.inceptionV4(data, width, regularization, new TfRmsProp(0.045), new Dl4jModel.Loop(2, 0), Engine.ALONE, 42),
                Dl4jModel.inceptionV4(data, width, regularization, new TfRmsProp(0.045), new Dl4jModel.Loop(2, 0), Engine.ALONE, 42)};
        System.out.printf("%nInception-v4 width %s at %d×%d, batch %d, %d images + %d validated per epoch, 4 segments of %d epochs per round%n",
                width, inputSize, inputSize, batchSize, samplesPerEpoch, validationSamples, epochs);
        for (Dl4jModel model : models) {
            trainInProcess(model, 1); // warm-up of both models: JIT, ND4J workspaces
        }
        double kafkaTotal = 0;
        double localTotal = 0;
        for (int round = 0; round < rounds; round++) {
            // Kafka, in-process, in-process, Kafka: a drift of the machine's speed within the round weighs on both
            // paths alike, and each model trains once on each path.
            double kafka = trainViaKafka(models[0], bootstrap, runId + "-round-" + round + "-a");
            double local = trainInProcess(models[1], epochs);
            local += trainInProcess(models[0], epochs);
            kafka += trainViaKafka(models[1], bootstrap, runId + "-round-" + round + "-b");
            kafkaTotal += kafka;
            localTotal += local;
            System.out.printf("round %d: via Kafka %.2f s/epoch, in-process schedule %.2f s/epoch, ratio %.3f%n",
                    round + 1, kafka / (2 * epochs), local / (2 * epochs), kafka / local);
        }
        System.out.printf("overall: via Kafka %.2f s/epoch, in-process %.2f s/epoch, ratio %.3f%n",
                kafkaTotal / (2 * rounds * epochs), localTotal / (2 * rounds * epochs), kafkaTotal / localTotal);
    }

    /** Seconds from joining to finishing, including every wait for the scheduler's rate. */
    private double trainViaKafka(Dl4jModel model, String bootstrap, String run) throws Exception {
        LearningRateBoard board = new LearningRateBoard(run, Presets.named(Presets.INCEPTION_V4));
        LearningRateFeed feed = new LearningRateFeed(KafkaSettings.plain(bootstrap), run, board);
        feed.start();
        List<Instant> joinedAndFinished = new ArrayList<>();
        try (MetricsPublisher publisher = new MetricsPublisher(KafkaSettings.plain(bootstrap))) {
            TrainingRun.Settings settings = new TrainingRun.Settings(run, "worker-0", 1, epochs, Duration.ofSeconds(60), Map.of(),
                    Duration.ofSeconds(5), 0);
            new TrainingRun(settings, model, board, metric -> {
                publisher.accept(metric);
                if (metric instanceof WorkerJoined || metric instanceof WorkerFinished) {
                    joinedAndFinished.add(metric.at());
                }
            }, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Checkpoints.NONE).run();
        } finally {
            feed.shutdown();
        }
        return Duration.between(joinedAndFinished.get(0), joinedAndFinished.get(1)).toNanos() / 1e9;
    }

    /** Seconds for {@code epochs} epochs of the same steps, the rate of each computed here and set at its start. */
    private static double trainInProcess(Dl4jModel model, int epochs) {
        ScheduleSpec schedule = Presets.named(Presets.INCEPTION_V4);
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            double rate = schedule.rate(epoch, 1, List.of());
            if (rate != model.learningRate()) {
                model.setLearningRate(rate);
            }
            model.trainEpoch(epoch, EpochListener.SILENT);
            model.validate();
        }
        model.test();
        return (System.nanoTime() - start) / 1e9;
    }
}
