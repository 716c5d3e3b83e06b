package io.lrpipeline.benchmarks;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.Engine;
import io.lrpipeline.trainer.model.InceptionV4.Regularization;
import io.lrpipeline.trainer.model.TfRmsProp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whether one model trained by {@code --replicas} workers learns like one worker with the same global batch: the same
 * Inception-v4, data, order and schedule, once with one replica at batch replicas × {@code --batch-size}, once with
 * the replicas (ParallelWrapper, averaging every step) at {@code --batch-size} each, alternating epoch by epoch in one
 * JVM; prints validation accuracy and loss and seconds per epoch side by side. Then the averaging itself:
 * {@code Nd4j.averageAndPropagate} (what ParallelWrapper calls after every round) on arrays the size of each width's
 * parameters and TF-RMSProp state, in milliseconds per round (BENCHMARKS.md sets them against a round's training
 * time from the training benchmark). Asserts nothing.
 */
@Command(name = "data-parallel-benchmark", mixinStandardHelpOptions = true)
public final class DataParallelBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "0.0625") double width;
    @Option(names = "--input-size", defaultValue = "75") int inputSize;
    @Option(names = "--replicas", defaultValue = "2") int replicas;
    @Option(names = "--batch-size", defaultValue = "32", description = "Per replica.") int batchSize;
    @Option(names = "--images-per-epoch", defaultValue = "896") int imagesPerEpoch;
    @Option(names = "--epochs", defaultValue = "6") int epochs;
    @Option(names = "--validation-samples", defaultValue = "500") int validationSamples;
    @Option(names = "--averaging-widths", split = ",", defaultValue = "0.125,1.0") List<Double> averagingWidths;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DataParallelBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Dl4jModel alone = model(1, replicas * batchSize);
        Dl4jModel together = model(replicas, batchSize);
        ScheduleSpec schedule = Presets.named(Presets.INCEPTION_V4_WARMUP);
        System.out.printf("Inception-v4 width %s at %d×%d, %d images per epoch, schedule %s, %d validation images; %d CPU cores%n",
                width, inputSize, inputSize, imagesPerEpoch, Presets.INCEPTION_V4_WARMUP, validationSamples,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-6s %-10s | %-36s | %-36s%n", "epoch", "rate", "1 worker, batch " + replicas * batchSize,
                replicas + " workers, one model, batch " + batchSize + " each");
        for (int epoch = 0; epoch < epochs; epoch++) {
            double rate = schedule.rate(epoch, 1, List.of());
            String first = epoch(alone, epoch, rate);
            String second = epoch(together, epoch, rate);
            System.out.printf("%-6d %-10s | %-36s | %-36s%n", epoch, rate, first, second);
        }
        System.out.println();
        System.out.printf("%-6s %-12s %-16s%n", "width", "parameters", "averaging ms per round (parameters + optimizer state, " + replicas + " replicas)");
        for (double averaged : averagingWidths) {
            long parameters = model(averaged, 1, batchSize).parameterCount();
            System.out.printf("%-6s %-12s %.1f%n", averaged, "%,d".formatted(parameters), averagingMillis(parameters));
        }
        return 0;
    }

    private String epoch(Dl4jModel model, int epoch, double rate) {
        model.setLearningRate(rate);
        EpochResult result = model.trainEpoch(epoch, EpochListener.SILENT);
        Evaluation validation = model.validate().orElseThrow();
        return "acc %.3f loss %.4f %6.1f s".formatted(validation.accuracy(), validation.loss(), result.seconds());
    }

    private Dl4jModel model(int replicasOfModel, int batch) throws Exception {
        return model(width, replicasOfModel, batch);
    }

    private Dl4jModel model(double modelWidth, int replicasOfModel, int batch) throws Exception {
        IdxImageData data = IdxImageData.open(dataDir, new DataSettings(0, 1, inputSize, batch, 1.0 / 12, 0, imagesPerEpoch,
                validationSamples, validationSamples, 42, 42));
        return Dl4jModel.inceptionV4(data, modelWidth, new Regularization(4e-5, 0.9, 0.001), new TfRmsProp(0.045),
                new Dl4jModel.Loop(2, 4), Engine.threads(replicasOfModel, batch), 42);
    }

    /** Milliseconds for one round's averaging: the replicas' parameters, then their optimizer state (twice the size). */
    private double averagingMillis(long parameters) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> state = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            weights.add(Nd4j.rand(DataType.FLOAT, 1, parameters));
            state.add(Nd4j.rand(DataType.FLOAT, 1, 2 * parameters));
        }
        int rounds = 20;
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            Nd4j.averageAndPropagate(null, weights);
        }
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            Nd4j.averageAndPropagate(null, weights);
            Nd4j.averageAndPropagate(null, state);
        }
        return (System.nanoTime() - start) / 1e6 / rounds;
    }
}
