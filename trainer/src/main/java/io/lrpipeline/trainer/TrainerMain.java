package io.lrpipeline.trainer;

import io.lrpipeline.events.RunIds;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.trainer.TrainingRun.Settings;
import io.lrpipeline.trainer.data.Batch;
import io.lrpipeline.trainer.data.FashionMnist;
import io.lrpipeline.trainer.data.LabeledImages;
import io.lrpipeline.trainer.data.ShardedBatches;
import io.lrpipeline.trainer.model.Dl4jModel;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A trainer worker: Inception-v4 on Fashion-MNIST, learning rate from the scheduler, metrics to Kafka. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Trains Inception-v4 on one shard of Fashion-MNIST, applying the scheduler's learning rate at each epoch.")
public final class TrainerMain implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--run-id", defaultValue = "${env:RUN_ID:-inception-v4}", description = "The run this worker belongs to (env RUN_ID).")
    String runId;

    @Option(names = "--worker-index", defaultValue = "${env:WORKER_INDEX:--1}",
            description = "This worker's shard, 0 … workers-1 (env WORKER_INDEX); unset: the whole set in an order of its own.")
    int workerIndex;

    @Option(names = "--workers", defaultValue = "${env:WORKERS:-1}", description = "Workers in the run (env WORKERS).")
    int workers;

    @Option(names = "--worker-id", defaultValue = "${env:WORKER_ID}", description = "Name in metrics and logs (env WORKER_ID); default worker-<index> or the host name.")
    String workerId;

    @Option(names = "--epochs", defaultValue = "${env:EPOCHS:-4}", description = "Epochs to train (env EPOCHS).")
    int epochs;

    @Option(names = "--samples-per-epoch", defaultValue = "${env:SAMPLES_PER_EPOCH:-256}", description = "Images per epoch for this worker (env SAMPLES_PER_EPOCH).")
    int samplesPerEpoch;

    @Option(names = "--batch-size", defaultValue = "${env:BATCH_SIZE:-16}", description = "Mini-batch size (env BATCH_SIZE).")
    int batchSize;

    @Option(names = "--width", defaultValue = "${env:MODEL_WIDTH:-0.125}", description = "Width multiplier of every layer, (0, 1] (env MODEL_WIDTH).")
    double width;

    @Option(names = "--input-size", defaultValue = "${env:INPUT_SIZE:-75}", description = "Side of the square input in pixels, >= 75 (env INPUT_SIZE).")
    int inputSize;

    @Option(names = "--eval-samples", defaultValue = "${env:EVAL_SAMPLES:-200}", description = "Test images for the accuracy after each epoch (env EVAL_SAMPLES).")
    int evalSamples;

    @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR:-/usr/share/datasets/fashion-mnist}", description = "Directory with the Fashion-MNIST *-ubyte.gz files (env DATA_DIR).")
    Path dataDir;

    @Option(names = "--rate-wait-seconds", defaultValue = "${env:RATE_WAIT_SECONDS:-60}",
            description = "How long to wait for the scheduler's rate at an epoch boundary before using the last known schedule (env RATE_WAIT_SECONDS).")
    long rateWaitSeconds;

    @Option(names = "--fallback-schedule", defaultValue = "${env:FALLBACK_SCHEDULE:-inception-v4}",
            description = "Preset used if the scheduler never answers and lr.state has nothing for the run (env FALLBACK_SCHEDULE).")
    String fallbackSchedule;

    @Option(names = "--seed", defaultValue = "${env:SEED:-42}", description = "Seed for weights and data order (env SEED).")
    long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        var gpuProblem = GpuSupport.problem();
        if (gpuProblem.isPresent()) {
            System.err.println("trainer: " + gpuProblem.get());
            return 2;
        }
        boolean sharded = workerIndex >= 0;
        String id = workerId != null ? workerId : sharded ? "worker-" + workerIndex : InetAddress.getLocalHost().getHostName();
        var idProblem = RunIds.problem("--run-id", runId).or(() -> RunIds.problem("--worker-id", id));
        if (idProblem.isPresent()) {
            System.err.println("trainer: " + idProblem.get());
            return 2;
        }
        ScheduleSpec fallback = Presets.named(fallbackSchedule);
        LearningRateBoard board = new LearningRateBoard(runId, fallback);
        LearningRateFeed feed = new LearningRateFeed(bootstrapServers, runId, board);
        feed.start();
        try (MetricsPublisher metrics = new MetricsPublisher(bootstrapServers)) {
            LabeledImages trainImages = FashionMnist.train(dataDir, Math.max(1, workers) * samplesPerEpoch * epochs);
            ShardedBatches training = sharded
                    ? new ShardedBatches(trainImages, workerIndex, workers, samplesPerEpoch, batchSize, inputSize, 1, seed)
                    : new ShardedBatches(trainImages, 0, 1, samplesPerEpoch, batchSize, inputSize, 1, seed + id.hashCode());
            List<Batch> evaluation = ShardedBatches.all(FashionMnist.test(dataDir, evalSamples), batchSize, inputSize, 1);
            Dl4jModel model = Dl4jModel.inceptionV4(inputSize, 1, FashionMnist.CLASSES, width,
                    fallback.schedule().at(0), seed);
            System.out.printf("%s | Inception-v4 width %s, %d×%d input, %,d parameters; %d epochs of %d images%n",
                    id, width, inputSize, inputSize, model.parameterCount(), epochs, samplesPerEpoch);
            Settings settings = new Settings(runId, id, Math.max(1, workers), epochs, Duration.ofSeconds(rateWaitSeconds),
                    hyperParameters());
            new TrainingRun(settings, model, training, evaluation, board, metrics, System.out, Clock.systemUTC()).run();
        } finally {
            feed.shutdown();
        }
        return 0;
    }

    /** What this worker announces when it joins; the log-sink shows it on TensorBoard's HParams dashboard. */
    private Map<String, Object> hyperParameters() {
        return Map.of("optimizer", "RMSProp", "model", "Inception-v4", "model_width", width, "input_size", inputSize,
                "batch_size", batchSize, "samples_per_epoch", samplesPerEpoch, "workers", Math.max(1, workers),
                "epochs", epochs, "fallback_schedule", fallbackSchedule, "seed", seed);
    }
}
