package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.Schedule;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.logsink.TfEventFiles.Scalar;
import io.lrpipeline.logsink.TfEventFiles;
import io.lrpipeline.trainer.data.BandedImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The multi-process route for real: {@code --cluster} starts a Spark standalone master and two worker processes on
 * loopback beside the broker, scheduler and sink; the trainer is the driver of a Spark application whose two executors
 * (other JVMs) train one tiny Inception-v4 with DL4J's parameter averaging. While it trains, an operator overrides the
 * rate through {@code lr.commands}, and one executor is killed with SIGKILL mid-epoch: Spark runs its task again
 * and the run goes on. The driver checks at every step that each replica started from the model it holds (it fails the
 * epoch otherwise), so a run that ends well is one model.
 */
class ClusterEndToEndTest {
    private static final String RUN = "cluster-run";
    private static final int EPOCHS = 5;
    private static final List<String> WORKERS = List.of("worker-0", "worker-1");
    /** 32 images per epoch in batches of 8, dealt to two replicas: 2 steps each. */
    private static final int STEPS_PER_WORKER_AND_EPOCH = 2;
    private static final int OVERRIDE_FROM_EPOCH = 3;
    private static final double OVERRIDE_RATE = 0.0025;

    @TempDir
    static Path work;

    static int exitCode;
    static String console;
    static String commandSentAt;
    static ProcessHandle killedExecutor;

    @BeforeAll
    static void trainOnACluster() throws Exception {
        Path data = BandedImages.fashionMnistShaped(work.resolve("data"));
        int kafkaPort = LocalKafkaBroker.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8);
        ExecutorService pipeline = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> run = pipeline.submit(() -> new CommandLine(new LocalPipeline(printer, (b, r) -> { })).execute(
                    "--cluster", "--run-id", RUN, "--epochs", String.valueOf(EPOCHS), "--workers", "2", "--kafka-port", String.valueOf(kafkaPort),
                    "--samples-per-epoch", "32", "--batch-size", "8", "--width", "0.0625", "--input-size", "75",
                    "--validation-samples", "16", "--test-samples", "16", "--schedule", Presets.KERAS_STEP_DECAY,
                    "--data-dir", data.toString(), "--logdir", work.resolve("runs").toString(), "--checkpoint-dir", work.resolve("checkpoints").toString(),
                    "--save-dir", work.resolve("models").toString(), "--home", ".."));
            try (KafkaConsumer<String, String> metrics = metricsConsumer(bootstrap)) {
                // The operator's change, sent once the model trains its second epoch.
                EpochStarted second = (EpochStarted) awaitMetric(metrics, run,
                        m -> m instanceof EpochStarted started && started.workerId().equals("worker-0") && started.epoch() == 1);
                commandSentAt = "epoch " + second.epoch();
                try (KafkaProducer<String, String> producer = KafkaSettings.plain(bootstrap).producer(Map.of())) {
                    producer.send(new ProducerRecord<>(Topics.COMMANDS, RUN, "{\"commandId\": \"cluster-override\", \"runId\": \"" + RUN
                            + "\", \"type\": \"override\", \"fromEpoch\": " + OVERRIDE_FROM_EPOCH + ", \"learningRate\": " + OVERRIDE_RATE
                            + ", \"by\": \"cluster-test\", \"why\": \"a live change while Spark trains\"}")).get();
                }
                // An executor killed while the next step trains (the driver starts it as soon as it has told this one).
                awaitMetric(metrics, run, m -> m instanceof IterationCompleted step && step.workerId().equals("worker-1") && step.epoch() == 2);
                Thread.sleep(400);
                killedExecutor = executors().findFirst().orElseThrow(() -> new AssertionError("no Spark executor process to kill"));
                killedExecutor.destroyForcibly();
            }
            exitCode = run.get(10, TimeUnit.MINUTES);
        } finally {
            pipeline.shutdownNow();
            console = output.toString(StandardCharsets.UTF_8);
            System.out.println(console);
        }
    }

    @AfterAll
    static void noExecutorOutlivesTheRun() {
        assertThat(executors().toList()).isEmpty();
    }

    private static Stream<ProcessHandle> executors() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"));
    }

    private static KafkaConsumer<String, String> metricsConsumer(String bootstrap) {
        KafkaConsumer<String, String> consumer = KafkaSettings.plain(bootstrap).consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-test", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        consumer.subscribe(List.of(Topics.TRAINING_METRICS));
        return consumer;
    }

    /** The first metric of the run that {@code wanted} accepts; fails if the pipeline ends first or after 8 minutes. */
    private static TrainingMetric awaitMetric(KafkaConsumer<String, String> consumer, Future<Integer> run, Predicate<TrainingMetric> wanted) {
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        while (System.nanoTime() < deadline && !run.isDone()) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                TrainingMetric metric = EventJson.read(record.value(), TrainingMetric.class);
                if (RUN.equals(record.key()) && wanted.test(metric)) {
                    return metric;
                }
            }
        }
        throw new AssertionError("the run ended or took too long before the metric the test waits for");
    }

    @Test
    void runsToTheEndOnASparkStandaloneClusterOfTwoWorkerProcesses() {
        assertThat(exitCode).as(console).isZero();
        assertThat(console).contains("spark: standalone master at spark://127.0.0.1:");
        assertThat(console).containsPattern("one model, 2 replicas as tasks of Spark application app-\\S+ on spark://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void sparkRanTheKilledExecutorsTaskAgainAndTheRunWentOn() {
        assertThat(killedExecutor.isAlive()).isFalse();
        assertThat(console).as("the driver saw the executor go").containsPattern("Lost executor \\d+ on 127\\.0\\.0\\.1");
    }

    @Test
    void everyWorkerAppliedTheScheduledRateThenTheLiveChangeFromTheSameEpoch() throws IOException {
        Schedule schedule = Presets.named(Presets.KERAS_STEP_DECAY).schedule();
        assertThat(console).contains("command cluster-override | accepted");
        for (String worker : WORKERS) {
            List<Scalar> applied = scalars(runDir().resolve(worker), "lr/applied");

            assertThat(applied).as(worker).extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L, 4L);
            for (Scalar point : applied) {
                double expected = point.step() >= OVERRIDE_FROM_EPOCH ? OVERRIDE_RATE : schedule.at((int) point.step());
                assertThat(point.value()).as("%s epoch %d (command sent in %s)", worker, point.step(), commandSentAt).isEqualTo((float) expected);
            }
        }
    }

    @Test
    void everyStepOfEveryWorkerIsLoggedOnceAndTheModelIsScoredOnce() throws IOException {
        for (String worker : WORKERS) {
            List<Scalar> steps = scalars(runDir().resolve(worker).resolve("iterations"), "loss/iteration");
            assertThat(steps).as(worker).extracting(Scalar::step)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, EPOCHS * STEPS_PER_WORKER_AND_EPOCH).boxed().toList());
        }
        assertThat(scalars(runDir().resolve("worker-0"), "validation/accuracy")).extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(scalars(runDir().resolve("worker-1"), "validation/accuracy")).isEmpty();
        assertThat(scalars(runDir().resolve("worker-0"), "test/accuracy")).extracting(Scalar::step).containsExactly((long) EPOCHS);
    }

    private static Path runDir() {
        return work.resolve("runs").resolve(RUN);
    }

    private static List<Scalar> scalars(Path dir, String tag) throws IOException {
        return TfEventFiles.readScalarsIn(dir).stream().filter(s -> s.tag().equals(tag))
                .sorted(Comparator.comparingLong(Scalar::step)).toList();
    }
}
