package io.lrpipeline.benchmarks;

import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.trainer.Progress;
import io.lrpipeline.trainer.RateDecision;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.checkpoint.CheckpointStore;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.Engine;
import io.lrpipeline.trainer.model.InceptionV4.Regularization;
import io.lrpipeline.trainer.model.TfRmsProp;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a checkpoint costs: for each width, the file's size and the seconds to save it (written, forced, renamed) and to
 * restore it (checked and loaded into a fresh model), each the median of {@code --repeats}; then, at the quick start's
 * settings (width 0.0625, 75×75, batches of 32, 896 images per epoch, two ParallelWrapper replicas), one epoch's
 * seconds against one checkpoint's, side by side. Asserts nothing.
 */
@Command(name = "checkpoint-benchmark", mixinStandardHelpOptions = true)
public final class CheckpointBenchmark implements Callable<Integer> {
    @Option(names = "--widths", split = ",", defaultValue = "0.125,1.0") List<Double> widths;
    @Option(names = "--repeats", defaultValue = "3") int repeats;
    @Option(names = "--dir", defaultValue = "${java.io.tmpdir}/lr-pipeline-checkpoint-benchmark") Path dir;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CheckpointBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("%d CPU cores, max heap %d MiB, %s; median of %d%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, dir, repeats);
        System.out.printf("%-6s %-12s %-12s %-10s %-10s%n", "width", "parameters", "file MiB", "save s", "restore s");
        for (double width : widths) {
            IdxImageData data = IdxImageData.open(dataDir, new DataSettings(0, 1, 75, 16, 1.0 / 12, 0, 32, 0, 0, 42, 42));
            Dl4jModel model = Dl4jModel.inceptionV4(data, width, Regularization.TF_SLIM, new TfRmsProp(0.045), new Dl4jModel.Loop(2, 0), Engine.ALONE, 42);
            model.trainEpoch(0, EpochListener.SILENT); // optimizer state that is not all zeros
            double[] saveRestore = saveAndRestore(model, Dl4jModel.inceptionV4(data, width, Regularization.TF_SLIM, new TfRmsProp(0.045),
                    new Dl4jModel.Loop(2, 0), Engine.ALONE, 42));
            System.out.printf("%-6s %-12s %-12.1f %-10.2f %-10.2f%n", width, "%,d".formatted(model.parameterCount()), saveRestore[2] / (1 << 20),
                    saveRestore[0], saveRestore[1]);
        }
        quickStartEpochAgainstCheckpoint();
        return 0;
    }

    /** Median seconds to save and to restore, and the file's bytes. */
    private double[] saveAndRestore(Dl4jModel model, Dl4jModel fresh) throws Exception {
        double[] saves = new double[repeats];
        double[] restores = new double[repeats];
        long bytes = 0;
        for (int i = 0; i < repeats; i++) {
            clear();
            CheckpointStore store = store(model);
            long start = System.nanoTime();
            store.save(new Progress(1, 0, model.iterations(), model.iterations(), new RateDecision(0.045, 1, RateSource.SCHEDULER, "e0"),
                    List.of(), EpochResult.NONE), model);
            saves[i] = (System.nanoTime() - start) / 1e9;
            try (Stream<Path> files = Files.list(dir)) {
                bytes = files.mapToLong(f -> f.toFile().length()).sum();
            }
            start = System.nanoTime();
            store(fresh).resume(fresh).orElseThrow();
            restores[i] = (System.nanoTime() - start) / 1e9;
        }
        return new double[] {median(saves), median(restores), bytes};
    }

    private void quickStartEpochAgainstCheckpoint() throws Exception {
        IdxImageData data = IdxImageData.open(dataDir, new DataSettings(0, 1, 75, 32, 1.0 / 12, 0, 896, 0, 0, 42, 42));
        try (Engine engine = Engine.threads(2, 32)) {
            Dl4jModel model = Dl4jModel.inceptionV4(data, 0.0625, Regularization.TF_SLIM, new TfRmsProp(0.045), new Dl4jModel.Loop(2, 4), engine, 42);
            model.trainEpoch(0, EpochListener.SILENT);
            long start = System.nanoTime();
            model.trainEpoch(1, EpochListener.SILENT);
            double epoch = (System.nanoTime() - start) / 1e9;
            double[] checkpoint = saveAndRestore(model, model);
            System.out.printf("quick start (width 0.0625, 2 replicas, 896 images): epoch %.1f s (training and precise BatchNorm), checkpoint %.2f s "
                    + "(%.1f MiB) = %.2f%% of the epoch; restore %.2f s%n", epoch, checkpoint[0], checkpoint[2] / (1 << 20),
                    100 * checkpoint[0] / epoch, checkpoint[1]);
        }
    }

    private CheckpointStore store(Dl4jModel model) {
        return new CheckpointStore(dir, 1, new CheckpointStore.Identity("benchmark", "worker-0", model.shape(), "benchmark"),
                CheckpointStore.Resume.AUTO, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
    }

    private void clear() throws Exception {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
