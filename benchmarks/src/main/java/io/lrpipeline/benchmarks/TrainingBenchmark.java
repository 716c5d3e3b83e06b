package io.lrpipeline.benchmarks;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.data.ImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.Engine;
import io.lrpipeline.trainer.model.InceptionV4.Regularization;
import io.lrpipeline.trainer.model.TfRmsProp;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One worker's training speed on the trainer's streamed data path (Fashion-MNIST resized batch by batch, prefetched
 * on a thread of its own, TF-RMSProp): images/s for each width at each input size, the share of the time spent
 * waiting for data, the heap's peak and the process's resident memory (heap, ND4J's off-heap arrays, natives) after
 * the measured epoch. One warm-up epoch, then a measured one, per
 * configuration, in one JVM. Asserts nothing.
 */
@Command(name = "training-benchmark", mixinStandardHelpOptions = true)
public final class TrainingBenchmark implements Callable<Integer> {
    @Option(names = "--widths", split = ",", defaultValue = "0.125,0.25,1.0") List<Double> widths;
    @Option(names = "--input-sizes", split = ",", defaultValue = "75,299") List<Integer> inputSizes;
    @Option(names = "--batch-size", defaultValue = "16") int batchSize;
    @Option(names = "--images", defaultValue = "64", description = "Images in the measured epoch (and the warm-up one).") int images;
    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path dataDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainingBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("batch %d, %d images measured after %d of warm-up, %d CPU cores, max heap %d MiB%n", batchSize, images, images,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%-6s %-6s %-12s %-10s %-10s %-14s %-14s %s%n", "width", "input", "parameters", "img/s", "data wait",
                "peak heap MiB", "RSS MiB", "s/epoch of 55,000");
        for (int inputSize : inputSizes) {
            for (double width : widths) {
                measure(width, inputSize);
            }
        }
        return 0;
    }

    private void measure(double width, int inputSize) throws Exception {
        ImageData data = IdxImageData.open(dataDir, new DataSettings(0, 1, inputSize, batchSize, 1.0 / 12, 0, images, 0, 0, 42, 42));
        Dl4jModel model = Dl4jModel.inceptionV4(data, width, Regularization.TF_SLIM, new TfRmsProp(0.045), new Dl4jModel.Loop(2, 0), Engine.ALONE, 42);
        model.trainEpoch(0, EpochListener.SILENT);
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        EpochResult result = model.trainEpoch(1, EpochListener.SILENT);
        long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        double perSecond = result.imagesPerSecond();
        System.out.printf("%-6s %-6d %-12s %-10.2f %-10s %-14d %-14d %.0f%n", width, inputSize, "%,d".formatted(model.parameterCount()),
                perSecond, "%.1f%%".formatted(100 * result.dataWaitSeconds() / (result.dataWaitSeconds() + result.computeSeconds())),
                peakHeap >> 20, Pointer.physicalBytes() >> 20, 55_000 / perSecond);
    }
}
