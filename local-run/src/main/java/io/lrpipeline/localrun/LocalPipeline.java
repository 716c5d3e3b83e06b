package io.lrpipeline.localrun;

import io.lrpipeline.broker.BrokerSecurity;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.broker.Principal;
import io.lrpipeline.events.RunIds;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.kafka.KafkaSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The whole pipeline on one machine: a real KRaft broker in this JVM, and the scheduler, the log-sink and
 * the trainers as child JVMs started from the built modules. Stops by itself after the last epoch,
 * prints a per-epoch summary and the TensorBoard command; Ctrl-C stops everything it started.
 */
@Command(name = "lr-pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs broker, scheduler, log-sink and trainers locally on Fashion-MNIST.")
public final class LocalPipeline implements Callable<Integer> {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final String SCHEDULER_GROUP = "lr-scheduler";
    private static final String SINK_GROUP = "log-sink";
    private static final Pattern PROGRESS = Pattern.compile("[\\w.-]+ \\| ");

    @Option(names = "--epochs", defaultValue = "${env:EPOCHS:-6}", description = "Epochs to train (env EPOCHS; default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--workers", defaultValue = "${env:WORKERS:-2}",
            description = "Workers training one model: replicas in one trainer process (DL4J's ParallelWrapper, parameters averaged after every step); "
                    + "0 runs only the broker, scheduler and log-sink, until Ctrl-C (env WORKERS; default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--cluster",
            description = "Train across processes: a Spark standalone master and one worker process per --workers on 127.0.0.1, "
                    + "the trainer the driver of a Spark application whose executors are the workers (DL4J's parameter averaging after every step); "
                    + "without it the workers are threads of one trainer process (ParallelWrapper).")
    boolean cluster;

    @Option(names = "--executor-memory", defaultValue = "${env:EXECUTOR_MEMORY:-2g}",
            description = "With --cluster: each executor's heap, which holds the model's parameters and optimizer state as they arrive "
                    + "(width 1.0: 4g or more) (env EXECUTOR_MEMORY; default ${DEFAULT-VALUE}).")
    String executorMemory;

    @Option(names = "--driver-memory", defaultValue = "${env:DRIVER_MEMORY:-2g}",
            description = "The trainer's heap; with --cluster it receives every executor's parameters and optimizer state at each step "
                    + "(width 1.0: about 0.5 GiB per worker, plus the model) (env DRIVER_MEMORY; default ${DEFAULT-VALUE}).")
    String driverMemory;

    @Option(names = "--samples-per-epoch", defaultValue = "${env:SAMPLES_PER_EPOCH:-896}",
            description = "Images per epoch, dealt out among the workers batch by batch: a short demo epoch, not a pass over the data; 0: full passes over the training split (env SAMPLES_PER_EPOCH; default ${DEFAULT-VALUE}).")
    int samplesPerEpoch;

    @Option(names = "--batch-size", defaultValue = "${env:BATCH_SIZE:-32}", description = "Mini-batch size (env BATCH_SIZE; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--width", defaultValue = "${env:MODEL_WIDTH:-0.0625}",
            description = "Inception-v4 width multiplier, (0, 1] (env MODEL_WIDTH; default ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--input-size", defaultValue = "${env:INPUT_SIZE:-75}",
            description = "Input side in pixels, >= 75 (env INPUT_SIZE; default ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--validation-samples", defaultValue = "${env:VALIDATION_SAMPLES:-256}",
            description = "Images of the held-out validation split (1/12 of the training images) scored after each epoch; 0: all 5,000 (env VALIDATION_SAMPLES; default ${DEFAULT-VALUE}).")
    int validationSamples;

    @Option(names = "--test-samples", defaultValue = "${env:TEST_SAMPLES:-500}",
            description = "Test images scored once at the end; 0: all 10,000 (env TEST_SAMPLES; default ${DEFAULT-VALUE}).")
    int testSamples;

    @Option(names = "--optimizer", defaultValue = "${env:OPTIMIZER:-rmsprop-tf}",
            description = "rmsprop-tf (the Inception-v4 recipe's), rmsprop, sgd-momentum or adam (env OPTIMIZER; default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--batch-norm-decay", defaultValue = "${env:BATCH_NORM_DECAY:-0.9}",
            description = "BatchNorm's moving-average decay; the recipe's 0.9997 needs thousands of steps to settle (env BATCH_NORM_DECAY; default ${DEFAULT-VALUE}).")
    double batchNormDecay;

    @Option(names = "--precise-bn-batches", defaultValue = "${env:PRECISE_BN_BATCHES:-4}",
            description = "Training batches from which BatchNorm's statistics are recomputed after each epoch, before validation; 0 keeps the moving averages (env PRECISE_BN_BATCHES; default ${DEFAULT-VALUE}).")
    int preciseBatchNormBatches;

    @Option(names = "--schedule", defaultValue = "${env:SCHEDULE:-inception-v4-warmup}",
            description = "Schedule preset: inception-v4-warmup (the paper's after 3 warmup epochs), inception-v4 (the paper), keras-step-decay (the seed), exponential, cosine-warmup or reduce-on-plateau (env SCHEDULE; default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--run-id", defaultValue = "${env:RUN_ID}", description = "Run id (env RUN_ID; default run-<date>-<time>).")
    String runId;

    @Option(names = "--logdir", defaultValue = "${env:LOGDIR:-runs}", description = "TensorBoard log directory (env LOGDIR; default ${DEFAULT-VALUE}).")
    Path logDir;

    @Option(names = "--data-format", defaultValue = "${env:DATA_FORMAT:-idx}",
            description = "idx (Fashion-MNIST's four files) or folders (an image tree, one sub-folder per class; see README) (env DATA_FORMAT; default ${DEFAULT-VALUE}).")
    String dataFormat;

    @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR:-/usr/share/datasets/fashion-mnist}",
            description = "Fashion-MNIST's *-ubyte.gz files, or the image tree's root (env DATA_DIR; default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--home", defaultValue = "${env:LR_PIPELINE_HOME:-.}", description = "Repository root with the built modules (default: current directory).")
    Path home;

    @Option(names = "--http-port", defaultValue = "${env:HTTP_PORT:-0}",
            description = "The scheduler's port on 127.0.0.1 (page, Swagger UI, REST API); 0 picks a free one (env HTTP_PORT; default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--schedulers", defaultValue = "${env:SCHEDULERS:-1}",
            description = "Scheduler instances sharing the runs by partition of the run id (Kafka's consumer group decides which owns what), "
                    + "from 1 to the partitions of training.metrics (3); the first serves --http-port, the others free ports, every one "
                    + "the page and the REST API of every run (env SCHEDULERS; default ${DEFAULT-VALUE}).")
    int schedulers;

    @Option(names = "--kafka-port", defaultValue = "${env:KAFKA_PORT:-0}",
            description = "The Kafka broker's port on 127.0.0.1; 0 picks a free one (env KAFKA_PORT; default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--secure", defaultValue = "${env:SECURE:-false}",
            description = "The broker on SASL_SSL (SCRAM-SHA-512) with Kafka's StandardAuthorizer and ACLs: scheduler, log-sink and trainer each "
                    + "log in as their own principal and may use only their own topics (only the scheduler writes lr.events and lr.state); "
                    + "the key, certificate, passwords and client settings are made at start in a private temporary directory and deleted "
                    + "at the end. Without it the broker is PLAINTEXT on 127.0.0.1 with no authentication (env SECURE).")
    boolean secure;

    @Option(names = "--restart-workers", defaultValue = "${env:RESTART_WORKERS:-3}",
            description = "Times a trainer that dies is started again; each time it goes on from its newest checkpoint (env RESTART_WORKERS; default ${DEFAULT-VALUE}).")
    int restartWorkers;

    @Option(names = "--checkpoint-dir", defaultValue = "${env:CHECKPOINT_DIR:-checkpoints}",
            description = "The trainers' checkpoints, per run and worker (env CHECKPOINT_DIR; default ${DEFAULT-VALUE}).")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "${env:CHECKPOINT_EVERY:-0}",
            description = "Also checkpoint every this many steps within an epoch; 0: at each epoch's end only (env CHECKPOINT_EVERY; default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", defaultValue = "${env:RESUME:-auto}",
            description = "The trainer's first start: auto (from the run's newest checkpoint, if any), never (start afresh, and so does "
                    + "every restart), or a checkpoint file, restarts going on from the newest (env RESUME; default ${DEFAULT-VALUE}).")
    String resume;

    @Option(names = "--save-dir", defaultValue = "${env:SAVE_DIR:-models}",
            description = "The trained model is saved as DIR/<run-id>/<worker>.zip (env SAVE_DIR; default ${DEFAULT-VALUE}).")
    Path saveDir;

    @Option(names = "--keep-running", description = "After training, keep the broker, scheduler and log-sink up until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--quiet", description = "Show only the addresses, the trainers' progress lines, command outcomes and errors of the services.")
    boolean quiet;

    /**
     * Work done against the live broker and scheduler once the trainers are done, before anything stops; with
     * {@code --secure} its clients reach the broker as one of its principals ({@link LocalKafkaBroker#settings}).
     */
    @FunctionalInterface
    public interface ServicesUp {
        void run(LocalKafkaBroker broker, String runId) throws Exception;
    }

    /** Work done against the live broker while the trainers train, on a thread of its own (a test's way to restart the broker). */
    @FunctionalInterface
    public interface WhileTraining {
        void run(LocalKafkaBroker broker, String runId) throws Exception;
    }

    private final PrintStream console;
    private final ServicesUp beforeStopping;
    private final WhileTraining whileTraining;
    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<Path> temporaryDirs = new ArrayList<>();
    private LocalKafkaBroker broker;
    private volatile boolean stopRequested;

    /** The command line's pipeline: with {@code --workers 0} its services run until Ctrl-C. */
    public LocalPipeline() {
        this(System.out, null);
    }

    /**
     * A pipeline that prints to {@code console} and runs {@code beforeStopping} while its services are still up: after
     * the trainers, or, with {@code --workers 0}, as soon as the services are up (the benchmarks' way in), then stops.
     */
    public LocalPipeline(PrintStream console, ServicesUp beforeStopping) {
        this(console, beforeStopping, null);
    }

    /** As {@link #LocalPipeline(PrintStream, ServicesUp)}, running {@code whileTraining} as the trainers start. */
    public LocalPipeline(PrintStream console, ServicesUp beforeStopping, WhileTraining whileTraining) {
        this.console = console;
        this.beforeStopping = beforeStopping;
        this.whileTraining = whileTraining;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalPipeline()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Presets.named(schedule);
        if (workers < 0 || epochs < 1 || restartWorkers < 0 || checkpointEvery < 0) {
            console.println("lr-pipeline: --workers, --restart-workers and --checkpoint-every must be >= 0 and --epochs >= 1");
            return 2;
        }
        int partitions = Topics.ALL.stream().filter(t -> t.name().equals(Topics.TRAINING_METRICS)).findFirst().orElseThrow().partitions();
        if (schedulers < 1 || schedulers > partitions) {
            console.println("lr-pipeline: --schedulers must be between 1 and " + partitions + " (the partitions of " + Topics.TRAINING_METRICS
                    + ": an instance beyond them would own no run)");
            return 2;
        }
        if (httpPort < 0 || httpPort > 65_535 || kafkaPort < 0 || kafkaPort > 65_535) {
            console.println("lr-pipeline: --http-port and --kafka-port must be between 0 (a free port) and 65535");
            return 2;
        }
        String run = runId != null ? runId : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        var runIdProblem = RunIds.problem("--run-id", run);
        if (runIdProblem.isPresent()) {
            console.println("lr-pipeline: " + runIdProblem.get());
            return 2;
        }
        Path logs = logDir.toAbsolutePath().normalize();
        ServiceLayout layout = ServiceLayout.of(home.toAbsolutePath().normalize());
        // Ctrl-C or SIGTERM: stop the services and the broker from the shutdown hook, and say so last.
        Thread stopper = new Thread(() -> {
            stopRequested = true;
            stopEverything();
            console.println("lr-pipeline: stopped; every process it started is shut down.");
        }, "lr-pipeline-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return runPipeline(run, logs, layout);
        } finally {
            stopEverything();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is doing the same work.
            }
        }
    }

    private int runPipeline(String run, Path logs, ServiceLayout layout) throws Exception {
        int kafka = kafkaPort == 0 ? LocalKafkaBroker.freePort() : kafkaPort;
        int http = httpPort == 0 ? LocalKafkaBroker.freePort() : httpPort;
        String bootstrap = "127.0.0.1:" + kafka;
        String site = "http://127.0.0.1:" + http;
        Path securityDir = secure ? temporaryDir("lr-pipeline-security") : null;
        Optional<BrokerSecurity> security = Optional.ofNullable(securityDir).map(BrokerSecurity::generate);
        Optional<HttpUsers> httpUsers = Optional.ofNullable(securityDir).map(HttpUsers::generate);
        if (workers == 0) {
            console.printf("lr-pipeline: run %s, 0 workers: the broker, scheduler and log-sink only, schedule %s%n", run, schedule);
        } else {
            console.printf("lr-pipeline: run %s, %d workers training one model (global batch %d) × %d epochs × %s, Inception-v4 width %s at %d×%d, %s, schedule %s%n",
                    run, workers, workers * batchSize, epochs, samplesPerEpoch == 0 ? "a full pass over the training split"
                            : "%,d images (a short demo epoch, not a pass over the data: --samples-per-epoch 0 for full passes)".formatted(samplesPerEpoch),
                    width, inputSize, inputSize, optimizer, schedule);
        }
        console.println("  page:        " + site + "/");
        console.println("  Swagger UI:  " + site + "/q/swagger-ui");
        console.println("  REST API:    " + site + "/api/runs/" + run + "/commands");
        console.println("  Kafka:       " + bootstrap + " (commands on " + Topics.COMMANDS + ", keyed by run id)");
        console.println("  security:    " + security.map(secured -> "Kafka on SASL_SSL (SCRAM-SHA-512) with ACLs per service, an operator's "
                + "client settings in " + secured.clientConfig(Principal.OPERATOR) + "; page and API: HTTP Basic, users and passwords in "
                + httpUsers.orElseThrow().passwords())
                .orElse("none: Kafka on PLAINTEXT without authentication, the page and API open to anyone on this machine "
                        + "(--secure for SASL_SSL, ACLs and HTTP users)"));
        console.println("  TensorBoard: tensorboard --logdir " + logs);
        Path brokerDir = temporaryDir("lr-pipeline-kafka");
        try {
            broker = security.map(secured -> LocalKafkaBroker.startSecured(brokerDir, kafka, secured)).orElseGet(() -> LocalKafkaBroker.start(brokerDir, kafka));
        } catch (RuntimeException e) {
            console.println("lr-pipeline: cannot start the Kafka broker on " + bootstrap + " (is the port free?): " + e.getMessage());
            return 1;
        }
        broker.createContractTopics();
        console.println("kafka: KRaft broker up at " + bootstrap + (secure ? " (SASL_SSL)" : "") + ", topics "
                + Topics.ALL.stream().map(Topics.TopicSpec::name).toList());

        KafkaSettings kafkaSettings = broker.settings(Principal.ADMIN);
        try (Admin admin = kafkaSettings.admin()) {
            ConsumerGroups groups = new ConsumerGroups(admin);
            List<ServiceProcess> instances = new ArrayList<>();
            List<Integer> ports = new ArrayList<>(List.of(http));
            while (ports.size() < schedulers) {
                ports.add(LocalKafkaBroker.freePort());
            }
            for (int instance = 0; instance < schedulers; instance++) {
                Map<String, String> environment = new HashMap<>(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                        "QUARKUS_HTTP_HOST", "127.0.0.1",
                        "QUARKUS_BANNER_ENABLED", "false",
                        "QUARKUS_HTTP_PORT", String.valueOf(ports.get(instance)),
                        "SCHEDULER_DEFAULT_SCHEDULE", schedule,
                        "QUARKUS_SWAGGER_UI_ENABLE", "true"));
                broker.clientConfig(Principal.SCHEDULER).ifPresent(file -> environment.put("KAFKA_CONFIG", file.toString()));
                httpUsers.ifPresentOrElse(users -> environment.put("QUARKUS_CONFIG_LOCATIONS", users.schedulerConfig().toUri().toString()),
                        () -> environment.put("SCHEDULER_AUTH_ENABLED", "false"));
                instances.add(startService(instance == 0 ? "scheduler" : "scheduler-" + (instance + 1), layout.scheduler(), environment));
            }
            List<String> sinkArguments = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--logdir", logs.toString()));
            sinkArguments.addAll(kafkaConfigArguments(Principal.SINK));
            ServiceProcess sink = startService("log-sink", layout.logSink(sinkArguments), Map.of());
            // Consuming first (what the trainers need), then serving HTTP (what the page and the API need): Quarkus
            // starts its consumers before it listens.
            BooleanSupplier allAlive = () -> instances.stream().allMatch(ServiceProcess::isAlive);
            if (!groups.awaitAssigned(SCHEDULER_GROUP, schedulers, STARTUP, allAlive)
                    || !Polling.until(STARTUP, allAlive, () -> allUp(ports))) {
                console.println(allAlive.getAsBoolean()
                        ? "lr-pipeline: the scheduler did not start consuming within " + STARTUP.toMinutes() + " minutes; stopping."
                        : "lr-pipeline: a scheduler stopped while starting (are ports " + ports + " free?); stopping.");
                return 1;
            }
            console.println("scheduler: consuming training.metrics; page at " + site + "/"
                    + (schedulers == 1 ? "" : ", and at " + ports.subList(1, ports.size()).stream().map(p -> "http://127.0.0.1:" + p + "/").toList()
                    + " (" + schedulers + " instances sharing the runs)"));
            if (workers == 0 && beforeStopping != null) {
                beforeStopping.run(broker, run);
                return 0;
            }
            if (workers == 0) {
                console.println("lr-pipeline: services only (--workers 0): the broker, scheduler and log-sink run until Ctrl-C.");
                return holdUntilStopped(withSink(instances, sink));
            }

            SparkCluster spark = cluster ? startSparkCluster(layout) : null;
            if (cluster && spark == null) {
                return 1;
            }
            RunSummary summary = new RunSummary(kafkaSettings, run, console);
            summary.start();
            List<String> arguments = new ArrayList<>(trainerArguments(run, bootstrap));
            Map<String, String> environment = Map.of("OMP_WAIT_POLICY", "PASSIVE", "OMP_NUM_THREADS", ompThreadsPerReplica());
            if (spark != null) {
                arguments.addAll(spark.driverArguments());
                // The driver only scores the model between epochs, while the executors wait: it may take every core.
                environment = spark.environment(String.valueOf(Runtime.getRuntime().availableProcessors()));
            }
            Thread during = whileTraining == null ? null : new Thread(() -> {
                try {
                    whileTraining.run(broker, run);
                } catch (Exception e) {
                    console.println("lr-pipeline: the work done while training failed: " + e);
                }
            }, "while-training");
            if (during != null) {
                during.start();
            }
            int exit = trainUntilDone(layout, arguments, environment);
            if (during != null) {
                during.join();
            }
            boolean failed = exit != 0;
            if (stopRequested) {
                return 130;
            }
            if (failed) {
                console.println("lr-pipeline: the trainer failed (exit " + exit + ")");
            }
            if (beforeStopping != null) {
                beforeStopping.run(broker, run);
            }
            if (!groups.awaitCaughtUp(SINK_GROUP, List.of(Topics.LR_EVENTS, Topics.TRAINING_METRICS), Duration.ofSeconds(60))) {
                console.println("lr-pipeline: the log-sink did not catch up within 60 s; its files may miss the last points.");
            }
            summary.print(console);
            console.println();
            console.println("TensorBoard event files are in " + logs.resolve(run));
            console.println("View them with:");
            console.println("  tensorboard --logdir " + logs);
            if (keepRunning) {
                // The summary goes on showing the outcome of each command sent meanwhile.
                console.println("lr-pipeline: --keep-running: the broker, scheduler (" + site + "/) and log-sink stay up until Ctrl-C.");
                int held = holdUntilStopped(withSink(instances, sink));
                return failed ? 1 : held;
            }
            summary.shutdown();
            sink.stop(Duration.ofSeconds(20));
            return failed ? 1 : 0;
        }
    }

    /**
     * Runs the trainer, and starts it again when it dies, up to {@code --restart-workers} times: each start goes on from
     * its newest checkpoint (unless {@code --resume never}). A refusal (exit 2: bad options or a checkpoint it will not load) is not retried. Returns its
     * last exit status.
     */
    private int trainUntilDone(ServiceLayout layout, List<String> arguments, Map<String, String> environment) throws InterruptedException {
        List<String> firstStart = new ArrayList<>(arguments);
        firstStart.addAll(List.of("--resume", resume));
        List<String> restart = new ArrayList<>(arguments);
        restart.addAll(List.of("--resume", resume.equals("never") ? "never" : "auto"));
        int restarts = 0;
        while (true) {
            ServiceProcess trainer = startService("trainer", layout.trainer(driverMemory, restarts == 0 ? firstStart : restart), environment);
            int exit = trainer.waitFor();
            forget(trainer);
            if (exit == 0 || exit == 2 || stopRequested || restarts == restartWorkers) {
                if (restarts > 0) {
                    console.printf("lr-pipeline: the trainer was started again %d time%s (of --restart-workers %d), each from its newest checkpoint in %s%n",
                            restarts, restarts == 1 ? "" : "s", restartWorkers, checkpointDir.toAbsolutePath().normalize());
                }
                return exit;
            }
            restarts++;
            console.printf("lr-pipeline: the trainer died (exit %d); starting it again from its newest checkpoint (restart %d of %d)%n",
                    exit, restarts, restartWorkers);
        }
    }

    private void forget(ServiceProcess service) {
        synchronized (services) {
            services.remove(service);
        }
    }

    /** Until Ctrl-C, or until one of {@code services} stops by itself (then 1, after saying which). */
    private int holdUntilStopped(ServiceProcess... services) throws InterruptedException {
        ServiceProcess ended = ServiceProcess.firstToExit(services);
        if (stopRequested) {
            return 130;
        }
        console.println("lr-pipeline: " + ended.name() + " stopped by itself (exit " + ended.waitFor() + "); stopping the rest.");
        return 1;
    }

    private static ServiceProcess[] withSink(List<ServiceProcess> schedulers, ServiceProcess sink) {
        List<ServiceProcess> services = new ArrayList<>(schedulers);
        services.add(sink);
        return services.toArray(ServiceProcess[]::new);
    }

    private static boolean allUp(List<Integer> ports) throws IOException, InterruptedException {
        for (int port : ports) {
            if (!isUp("http://127.0.0.1:" + port + "/q/health/ready")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUp(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /**
     * A Spark standalone master and {@code --workers} workers on loopback, up and listening; null (after saying why)
     * when the master does not come up.
     */
    private SparkCluster startSparkCluster(ServiceLayout layout) throws IOException, InterruptedException {
        SparkCluster spark = SparkCluster.prepare(layout, temporaryDir("lr-pipeline-spark"), LocalKafkaBroker.freePort(), executorMemory);
        Map<String, String> environment = spark.environment(ompThreadsPerReplica());
        ServiceProcess master = startService("spark-master", spark.master(layout), environment);
        if (!Polling.until(STARTUP, master::isAlive, spark::masterListening)) {
            console.println("lr-pipeline: the Spark master did not start listening on " + spark.masterUrl() + "; stopping.");
            return null;
        }
        for (int k = 0; k < workers; k++) {
            startService("spark-worker-" + k, spark.worker(layout, k), environment);
        }
        console.printf("spark: standalone master at %s, %d worker process%s of one core each: the run's workers are the executors of the trainer's application%n",
                spark.masterUrl(), workers, workers == 1 ? "" : "es");
        return spark;
    }

    /**
     * The machine's cores shared out among the workers (each replica calls OpenMP with its own pool), unless
     * OMP_NUM_THREADS is set: each pool would otherwise take every core (measured here with two trainers on two cores:
     * 13.5 images/s each with two threads apiece, 16.8 with one).
     */
    private String ompThreadsPerReplica() {
        String configured = System.getenv("OMP_NUM_THREADS");
        return configured != null && !configured.isBlank() ? configured
                : String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers)));
    }

    /**
     * One trainer process whose replicas are the run's workers, named worker-0, worker-1, …: threads of its own, or
     * with {@code --cluster} the tasks of its Spark application.
     */
    private List<String> trainerArguments(String run, String bootstrap) {
        List<String> replicas = cluster ? List.of("--workers", String.valueOf(workers))
                : List.of("--worker-index", "0", "--workers", "1", "--workers-per-process", String.valueOf(workers));
        List<String> arguments = new ArrayList<>(kafkaConfigArguments(Principal.TRAINER));
        arguments.addAll(List.of(
                "--bootstrap-servers", bootstrap,
                "--run-id", run,
                "--worker-id", workers == 1 ? "worker-0" : "worker",
                "--epochs", String.valueOf(epochs),
                "--samples-per-epoch", String.valueOf(samplesPerEpoch),
                "--batch-size", String.valueOf(batchSize),
                "--width", String.valueOf(width),
                "--input-size", String.valueOf(inputSize),
                "--validation-samples", String.valueOf(validationSamples),
                "--test-samples", String.valueOf(testSamples),
                "--optimizer", optimizer,
                "--batch-norm-decay", String.valueOf(batchNormDecay),
                "--precise-bn-batches", String.valueOf(preciseBatchNormBatches),
                "--data-format", dataFormat,
                "--data-dir", dataDir.toAbsolutePath().toString(),
                "--fallback-schedule", schedule,
                "--checkpoint-dir", checkpointDir.toAbsolutePath().normalize().toString(),
                "--checkpoint-every", String.valueOf(checkpointEvery),
                "--save-dir", saveDir.toAbsolutePath().normalize().toString()));
        arguments.addAll(replicas);
        return arguments;
    }

    /** {@code --kafka-config} with {@code principal}'s client settings on a secured broker; nothing on a plain one. */
    private List<String> kafkaConfigArguments(Principal principal) {
        return broker.clientConfig(principal).map(file -> List.of("--kafka-config", file.toString())).orElse(List.of());
    }

    /** A new directory readable by its owner only, deleted when everything stops. */
    private Path temporaryDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        synchronized (temporaryDirs) {
            temporaryDirs.add(dir);
        }
        return dir;
    }

    private ServiceProcess startService(String name, List<String> command, Map<String, String> environment) {
        ServiceProcess service = ServiceProcess.start(name, command, environment, home, console, this::worthShowing);
        synchronized (services) {
            services.add(service);
        }
        return service;
    }

    /** Progress, warnings, errors and a trainer's reason to stop; the rest of the services' start-up chatter only without --quiet. */
    private boolean worthShowing(String line) {
        boolean problem = (line.contains("ERROR") || line.contains("Exception")) && !line.contains("RECEIVED SIGNAL"); // Spark's daemons stopping
        return !quiet || isProgress(line) || line.startsWith("trainer: ") || problem;
    }

    /**
     * A trainer's progress line ({@code worker-0 | epoch 2/6 | …}, {@code worker | model saved …}): a worker's name,
     * then " | ". Not a Kafka client's warning, whose thread name has one too ({@code [kafka-producer-network-thread | producer-1]}).
     */
    static boolean isProgress(String line) {
        return PROGRESS.matcher(line).lookingAt();
    }

    /**
     * Stops the services (trainers first, then sink, then scheduler), then the broker; safe to call twice. The
     * shutdown hook and the main thread may both call it: the second waits, so the broker never goes first.
     */
    private synchronized void stopEverything() {
        List<ServiceProcess> running;
        synchronized (services) {
            running = new ArrayList<>(services);
            services.clear();
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).stop(Duration.ofSeconds(20));
        }
        if (broker != null) {
            broker.close();
        }
        synchronized (temporaryDirs) {
            temporaryDirs.forEach(LocalPipeline::deleteQuietly); // the Spark home's link to the trainer's jars goes, not what it points to
            temporaryDirs.clear();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
