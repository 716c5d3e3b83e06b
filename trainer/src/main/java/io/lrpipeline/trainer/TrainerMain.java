package io.lrpipeline.trainer;

import io.lrpipeline.events.RunIds;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.trainer.TrainingRun.Settings;
import io.lrpipeline.trainer.checkpoint.CheckpointStore;
import io.lrpipeline.trainer.data.DataException;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.FolderImageData;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.data.ImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import io.lrpipeline.trainer.model.Engine;
import io.lrpipeline.trainer.model.InceptionV4.Regularization;
import io.lrpipeline.trainer.model.InceptionV4;
import io.lrpipeline.trainer.model.Optimizer;
import io.lrpipeline.trainer.model.SparkEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.spark.deploy.master.Master;
import org.apache.spark.deploy.worker.Worker;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** A trainer worker: Inception-v4 on Fashion-MNIST or an image tree, learning rate from the scheduler, metrics to Kafka. */
@Command(name = "trainer", mixinStandardHelpOptions = true, subcommands = EvaluateCommand.class,
        description = "Trains Inception-v4 on one worker's share of an image data set, applying the scheduler's learning rate at each epoch.")
public final class TrainerMain implements Callable<Integer> {
    private static final Map<String, Consumer<String[]>> SPARK_DAEMONS = Map.of("spark-master", Master::main, "spark-worker", Worker::main);

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:KAFKA_CONFIG}", description = KafkaSettings.CONFIG_HELP)
    Optional<Path> kafkaConfig;

    @Option(names = "--run-id", defaultValue = "${env:RUN_ID:-inception-v4}", description = "The run this worker belongs to (env RUN_ID).")
    String runId;

    @Option(names = "--worker-index", defaultValue = "${env:WORKER_INDEX:--1}",
            description = "This worker's shard, 0 … workers-1 (env WORKER_INDEX); unset: the whole set in an order of its own.")
    int workerIndex;

    @Option(names = "--workers", defaultValue = "${env:WORKERS:-1}",
            description = "Trainer processes in the run, each with its shard of the data; with --spark-master, the Spark tasks (executor slots) "
                    + "that train this trainer's one model, each a worker of the run named <worker-id>-<k> (env WORKERS).")
    int workers;

    @Option(names = "--spark-master", defaultValue = "${env:SPARK_MASTER}",
            description = "Train the model as the driver of a Spark application on this master: local[N] (threads of this process) or "
                    + "spark://host:port (a standalone cluster, executors in other processes or hosts); DL4J's parameter averaging after every "
                    + "step over --workers tasks (env SPARK_MASTER). Unset: this process trains alone or with --workers-per-process.")
    String sparkMaster;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "A Spark property for the application, e.g. spark.driver.host=10.0.0.5 (repeatable).")
    Map<String, String> sparkConf = new TreeMap<>();

    @Option(names = "--workers-per-process", defaultValue = "${env:WORKERS_PER_PROCESS:-1}",
            description = "Replicas of the model in this process (DL4J's ParallelWrapper: threads, parameters averaged after every step), "
                    + "each a worker of the run named <worker-id>-<k>; the run has workers × this many workers (env WORKERS_PER_PROCESS).")
    int workersPerProcess;

    @Option(names = "--worker-id", defaultValue = "${env:WORKER_ID}", description = "Name in metrics and logs (env WORKER_ID); default worker-<index> or the host name.")
    String workerId;

    @Option(names = "--epochs", defaultValue = "${env:EPOCHS:-4}", description = "Epochs to train (env EPOCHS).")
    int epochs;

    @Option(names = "--samples-per-epoch", defaultValue = "${env:SAMPLES_PER_EPOCH:-0}",
            description = "Images per epoch for this worker (env SAMPLES_PER_EPOCH); 0, the default: a full pass over its share of the training split. Smaller for short demos.")
    int samplesPerEpoch;

    @Option(names = "--batch-size", defaultValue = "${env:BATCH_SIZE:-16}", description = "Mini-batch size (env BATCH_SIZE).")
    int batchSize;

    @Option(names = "--width", defaultValue = "${env:MODEL_WIDTH:-0.125}", description = "Width multiplier of every layer, (0, 1] (env MODEL_WIDTH).")
    double width;

    @Option(names = "--input-size", defaultValue = "${env:INPUT_SIZE:-75}", description = "Side of the square input in pixels, >= 75 (env INPUT_SIZE).")
    int inputSize;

    @Option(names = "--data-format", defaultValue = "${env:DATA_FORMAT:-idx}",
            description = "idx: the four IDX files of Fashion-MNIST (or MNIST); folders: an image tree, one sub-folder per class, JPEG or PNG (env DATA_FORMAT).")
    String dataFormat;

    @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR:-/usr/share/datasets/fashion-mnist}",
            description = "The IDX files' directory, or the image tree's root: DIR/<class>/… or DIR/train/<class>/… with optional DIR/validation and DIR/test (env DATA_DIR).")
    Path dataDir;

    @Option(names = "--validation-fraction", defaultValue = "${env:VALIDATION_FRACTION:-0.0833333}",
            description = "Share of the training split held out for validation, never trained on (env VALIDATION_FRACTION; default 1/12: 5,000 of Fashion-MNIST's 60,000).")
    double validationFraction;

    @Option(names = "--validation-samples", defaultValue = "${env:VALIDATION_SAMPLES:-0}",
            description = "Validation images scored after each epoch (env VALIDATION_SAMPLES); 0, the default: all of them.")
    int validationSamples;

    @Option(names = "--test-fraction", defaultValue = "${env:TEST_FRACTION:-0.0833333}",
            description = "For an image tree without a test sub-tree: the share held out for the final test (env TEST_FRACTION).")
    double testFraction;

    @Option(names = "--test-samples", defaultValue = "${env:TEST_SAMPLES:-0}",
            description = "Test images scored once at the end (env TEST_SAMPLES); 0, the default: all of them.")
    int testSamples;

    @Option(names = "--optimizer", defaultValue = "${env:OPTIMIZER:-rmsprop-tf}",
            description = "rmsprop-tf (TensorFlow's RMSProp of the Inception-v4 recipe: decay 0.9, momentum 0.9, ε 1.0), rmsprop (DL4J's), sgd-momentum (Nesterov 0.9) or adam (env OPTIMIZER).")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "${env:WEIGHT_DECAY:-0.00004}",
            description = "L2 weight decay of convolution and softmax weights (env WEIGHT_DECAY; default TF-slim's 4e-5).")
    double weightDecay;

    @Option(names = "--batch-norm-decay", defaultValue = "${env:BATCH_NORM_DECAY:-0.9997}",
            description = "Decay of BatchNorm's moving mean and variance (env BATCH_NORM_DECAY; default TF-slim's 0.9997, which needs thousands of steps to settle: use e.g. 0.9 for short runs).")
    double batchNormDecay;

    @Option(names = "--batch-norm-epsilon", defaultValue = "${env:BATCH_NORM_EPSILON:-0.001}",
            description = "BatchNorm's ε (env BATCH_NORM_EPSILON; default TF-slim's 0.001).")
    double batchNormEpsilon;

    @Option(names = "--precise-bn-batches", defaultValue = "${env:PRECISE_BN_BATCHES:-16}",
            description = "After each epoch, recompute BatchNorm's statistics under the final weights from this many training batches "
                    + "(\"precise BatchNorm\"; 0 keeps the moving averages) before validation and test (env PRECISE_BN_BATCHES).")
    int preciseBatchNormBatches;

    @Option(names = "--prefetch", defaultValue = "${env:PREFETCH_BATCHES:-2}",
            description = "Batches prepared ahead on a thread of their own while the model computes (env PREFETCH_BATCHES).")
    int prefetch;

    @Option(names = "--progress-seconds", defaultValue = "${env:PROGRESS_SECONDS:-5}",
            description = "At most one progress line per this many seconds, besides each epoch's first and last step (env PROGRESS_SECONDS).")
    double progressSeconds;

    @Option(names = "--rate-wait-seconds", defaultValue = "${env:RATE_WAIT_SECONDS:-60}",
            description = "How long to wait for the scheduler's rate at an epoch boundary before using the last known schedule (env RATE_WAIT_SECONDS).")
    long rateWaitSeconds;

    @Option(names = "--fallback-schedule", defaultValue = "${env:FALLBACK_SCHEDULE:-inception-v4}",
            description = "Preset used if the scheduler never answers and lr.state has nothing for the run (env FALLBACK_SCHEDULE).")
    String fallbackSchedule;

    @Option(names = "--seed", defaultValue = "${env:SEED:-42}", description = "Seed for weights, data order and each step's dropout (env SEED).")
    long seed;

    @Option(names = "--checkpoint-dir", defaultValue = "${env:CHECKPOINT_DIR:-checkpoints}",
            description = "Checkpoints go to DIR/<run-id>/<worker-id>/: weights, optimizer state, counters, the epoch's rate and its place "
                    + "in the data, at every epoch's end and every --checkpoint-every steps (env CHECKPOINT_DIR).")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "${env:CHECKPOINT_EVERY:-0}",
            description = "Also checkpoint after every this many steps within an epoch; 0: at epochs' ends only (env CHECKPOINT_EVERY).")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "${env:KEEP_CHECKPOINTS:-3}",
            description = "The newest checkpoints kept; 0 writes none (env KEEP_CHECKPOINTS).")
    int keepCheckpoints;

    @Option(names = "--resume", defaultValue = "${env:RESUME:-auto}",
            description = "auto: go on from the newest intact checkpoint of this run and worker, if any; never: start afresh; or a checkpoint "
                    + "file to go on from (env RESUME).")
    String resume;

    @Option(names = "--save-dir", defaultValue = "${env:SAVE_DIR:-models}",
            description = "The trained model is saved at the end as DIR/<run-id>/<worker-id>.zip, DL4J's format with the optimizer state "
                    + "(ModelSerializer; score it with 'trainer evaluate') (env SAVE_DIR).")
    Path saveDir;

    /**
     * Trains, or with {@code spark-master ARGS} / {@code spark-worker ARGS} runs a Spark standalone master or worker
     * from the trainer's own jars (Spark's {@code Master} and {@code Worker} with their own arguments): a cluster whose
     * executors have every class the trainer's driver sends them, started with the JVM options of this jar's manifest.
     */
    public static void main(String[] args) {
        if (args.length > 0 && SPARK_DAEMONS.containsKey(args[0])) {
            SPARK_DAEMONS.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
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
        var problem = RunIds.problem("--run-id", runId).or(() -> RunIds.problem("--worker-id", id)).or(this::optionProblem);
        if (problem.isPresent()) {
            System.err.println("trainer: " + problem.get());
            return 2;
        }
        KafkaSettings kafka;
        try {
            kafka = KafkaSettings.load(bootstrapServers, kafkaConfig, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("trainer: " + e.getMessage());
            return 2;
        }
        ImageData data;
        try {
            data = openData(sharded, id);
        } catch (DataException e) {
            System.err.println("trainer: " + e.getMessage());
            return 2;
        }
        int batches = data.batchesInEpoch(0);
        if (batches < replicas()) {
            System.err.printf("trainer: an epoch of %,d images makes %d batch%s of %d, fewer than the %d replicas of %s, "
                    + "each of which needs one per step%n", data.imagesInEpoch(0), batches, batches == 1 ? "" : "es", batchSize, replicas(),
                    sparkMaster == null ? "--workers-per-process" : "--workers with --spark-master");
            return 2;
        }
        ScheduleSpec fallback = Presets.named(fallbackSchedule);
        try (Engine engine = sparkMaster == null ? Engine.threads(workersPerProcess, batchSize)
                : SparkEngine.start(sparkMaster, "lr-pipeline " + runId + " " + id, workers, batchSize, sparkConf)) {
            Dl4jModel model = Dl4jModel.inceptionV4(data, width, new Regularization(weightDecay, batchNormDecay, batchNormEpsilon),
                    Optimizer.named(optimizer).updater(fallback.schedule().at(0)), new Dl4jModel.Loop(prefetch, preciseBatchNormBatches),
                    engine, seed);
            train(id, data, fallback, model, kafka);
            saveModel(id, model);
        } catch (Engine.TrainingFailed e) {
            System.err.println("trainer: " + e.getMessage());
            return 1;
        } catch (Checkpoints.Refused e) {
            System.err.println("trainer: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    /** The trained model, written to a temporary file and renamed: a saved model is whole. */
    private void saveModel(String id, Dl4jModel model) throws IOException {
        Path file = saveDir.resolve(runId).resolve(id + ".zip");
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            model.writeState(out);
        }
        ModelSerializer.addObjectToFile(temporary.toFile(), EvaluateCommand.INPUT_SIZE, inputSize);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s | model saved to %s (score it: trainer evaluate --model %s)%n", id, file, file);
    }

    /** This worker's checkpoints, or none with --keep-checkpoints 0. */
    private Checkpoints checkpoints(String id, ImageData data, Dl4jModel model) {
        if (keepCheckpoints == 0) {
            return Checkpoints.NONE;
        }
        String dataOrder = "batches of %d, %d replicas, %,d images per epoch, seed %d".formatted(batchSize, replicas(), data.imagesInEpoch(0), seed);
        return new CheckpointStore(checkpointDir.resolve(runId).resolve(id), keepCheckpoints,
                new CheckpointStore.Identity(runId, id, model.shape(), dataOrder), CheckpointStore.Resume.parse(resume), System.out, Clock.systemUTC());
    }

    private void train(String id, ImageData data, ScheduleSpec fallback, Dl4jModel model, KafkaSettings kafka) throws InterruptedException {
        int replicas = model.replicas();
        if (replicas > 1) {
            System.out.printf("%s | one model, %s: workers %s; %d steps of %d × %d images per epoch%n", id, model.engine().describe(),
                    String.join(", ", TrainingRun.replicaIds(id, replicas)), model.stepsInEpoch(0), replicas, batchSize);
        }
        System.out.printf("%s | Inception-v4 width %s, %d×%d×%d input, %d classes, %,d parameters, %s; %d epochs of %,d images%n",
                id, width, inputSize, inputSize, data.channels(), data.classes(), model.parameterCount(), optimizer, epochs,
                data.imagesInEpoch(0));
        System.out.printf("%s | data: %s%n", id, data.describe());
        LearningRateBoard board = new LearningRateBoard(runId, fallback);
        LearningRateFeed feed = new LearningRateFeed(kafka, runId, board);
        feed.start();
        try (MetricsPublisher metrics = new MetricsPublisher(kafka)) {
            Settings settings = new Settings(runId, id, runWorkers(), epochs, Duration.ofSeconds(rateWaitSeconds),
                    hyperParameters(data), Duration.ofMillis((long) (progressSeconds * 1000)), checkpointEvery);
            new TrainingRun(settings, model, board, metrics, System.out, Clock.systemUTC(), checkpoints(id, data, model)).run();
        } finally {
            feed.shutdown();
        }
    }

    private Optional<String> optionProblem() {
        if (epochs < 1 || batchSize < 1 || samplesPerEpoch < 0 || validationSamples < 0 || testSamples < 0 || prefetch < 1
                || preciseBatchNormBatches < 0 || workersPerProcess < 1 || checkpointEvery < 0 || keepCheckpoints < 0) {
            return Optional.of("--epochs, --batch-size, --prefetch and --workers-per-process must be >= 1, sample, batch and checkpoint counts >= 0");
        }
        if (sparkMaster != null && (workersPerProcess > 1 || workerIndex >= 0)) {
            return Optional.of("--spark-master trains one model over --workers Spark tasks from the whole training split: "
                    + "it takes neither --workers-per-process nor --worker-index");
        }
        if (!(validationFraction >= 0 && validationFraction < 1) || !(testFraction >= 0 && testFraction < 1)) {
            return Optional.of("--validation-fraction and --test-fraction must be in [0, 1)");
        }
        try {
            Optimizer.named(optimizer);
            new Regularization(weightDecay, batchNormDecay, batchNormEpsilon);
            new InceptionV4.Shape(inputSize, 1, 2, width);
            Presets.named(fallbackSchedule);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    /** Sharded: worker k of n trains every n-th image; otherwise the whole split, in an order of the worker's own. */
    private ImageData openData(boolean sharded, String id) throws DataException {
        DataSettings settings = new DataSettings(sharded ? workerIndex : 0, sharded ? Math.max(1, workers) : 1, inputSize, batchSize,
                validationFraction, testFraction, samplesPerEpoch, validationSamples, testSamples, seed,
                sharded ? seed + workerIndex : seed + id.hashCode());
        return switch (dataFormat) {
            case "idx" -> IdxImageData.open(dataDir, settings);
            case "folders" -> FolderImageData.open(dataDir, settings);
            default -> throw new DataException("unknown --data-format '" + dataFormat + "' (known: idx, folders)");
        };
    }

    /** Replicas of the model this process trains: Spark tasks, or threads of this process. */
    private int replicas() {
        return sparkMaster == null ? workersPerProcess : Math.max(1, workers);
    }

    /** Every replica of every trainer process of the run: what the scheduler's scaling by worker count counts. */
    private int runWorkers() {
        return sparkMaster == null ? Math.max(1, workers) * workersPerProcess : replicas();
    }

    /** What this worker announces when it joins; the log-sink shows it on TensorBoard's HParams dashboard. */
    private Map<String, Object> hyperParameters(ImageData data) {
        Map<String, Object> parameters = new TreeMap<>();
        parameters.put("optimizer", optimizer);
        parameters.put("weight_decay", weightDecay);
        parameters.put("batch_norm_decay", batchNormDecay);
        parameters.put("batch_norm_epsilon", batchNormEpsilon);
        parameters.put("precise_bn_batches", preciseBatchNormBatches);
        parameters.put("model", "Inception-v4");
        parameters.put("model_width", width);
        parameters.put("input_size", inputSize);
        parameters.put("channels", data.channels());
        parameters.put("classes", data.classes());
        parameters.put("batch_size", batchSize);
        parameters.put("samples_per_epoch", data.imagesInEpoch(0));
        parameters.put("data_format", dataFormat);
        parameters.put("validation_fraction", validationFraction);
        parameters.put("workers", runWorkers());
        parameters.put("workers_per_process", sparkMaster == null ? workersPerProcess : 1);
        parameters.put("engine", sparkMaster == null ? workersPerProcess > 1 ? "parallel-wrapper" : "alone" : "spark");
        parameters.put("global_batch_size", batchSize * runWorkers());
        parameters.put("epochs", epochs);
        parameters.put("fallback_schedule", fallbackSchedule);
        parameters.put("seed", seed);
        return parameters;
    }
}
