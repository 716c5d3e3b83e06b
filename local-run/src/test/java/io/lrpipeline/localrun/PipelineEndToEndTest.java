package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.Schedule;
import io.lrpipeline.logsink.TfEventFiles;
import io.lrpipeline.logsink.TfEventFiles.Scalar;
import io.lrpipeline.trainer.data.BandedImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.proto.Event;
import picocli.CommandLine;

/**
 * The whole pipeline on real parts: KRaft broker, Quarkus scheduler, log-sink and one DL4J trainer JVM whose two
 * workers (ParallelWrapper replicas) train one tiny Inception-v4 (75×75, generated Fashion-MNIST-shaped data), then
 * the TensorBoard files read back with TensorFlow's generated protos. The broker is stopped and started again (same
 * ports and log directory) once epoch 2 is done: scheduler, trainers and sink reconnect, and nothing below changes.
 * {@link SecuredPipelineEndToEndTest} runs all of it again on a secured broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEndToEndTest {
    private static final int EPOCHS = 4;
    /** The two workers train one model; the first reports its validation and test scores. */
    private static final List<String> WORKERS = List.of("worker-0", "worker-1");
    private static final String SCORING_WORKER = "worker-0";
    /** Every worker's tags at every epoch. */
    private static final List<String> EPOCH_TAGS = List.of("loss", "throughput/images_per_sec");
    /** The model's validation scores at every epoch and its test scores at step EPOCHS (10 classes: top-5 as well). */
    private static final List<String> VALIDATION_TAGS = List.of("validation/loss", "validation/accuracy", "validation/top5_accuracy");
    private static final List<String> TEST_TAGS = List.of("test/loss", "test/accuracy", "test/top5_accuracy");
    /** 32 images per epoch in batches of 8, dealt to two workers: 2 steps each. */
    private static final int STEPS_PER_WORKER_AND_EPOCH = 2;
    private static final String RUN = "e2e-run";

    Path work;
    int exitCode;
    String console;
    boolean brokerWasSecured;

    /** What the run's command line adds for its broker's security: nothing here. */
    List<String> securityArguments() {
        return List.of();
    }

    /** How the banner's security line begins. */
    String securityBanner() {
        return "none: Kafka on PLAINTEXT without authentication, the page and API open to anyone on this machine";
    }

    @BeforeAll
    void runThePipeline(@TempDir Path work) throws IOException {
        this.work = work;
        Path data = BandedImages.fashionMnistShaped(work.resolve("data"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8);

        List<String> arguments = new ArrayList<>(List.of(
                "--run-id", RUN, "--epochs", String.valueOf(EPOCHS), "--workers", "2",
                "--samples-per-epoch", "32", "--batch-size", "8", "--width", "0.0625", "--input-size", "75",
                "--validation-samples", "16", "--test-samples", "16", "--schedule", Presets.KERAS_STEP_DECAY,
                "--data-dir", data.toString(), "--logdir", work.resolve("runs").toString(),
                "--checkpoint-dir", work.resolve("checkpoints").toString(), "--save-dir", work.resolve("models").toString(), "--home", "..", "--quiet"));
        arguments.addAll(securityArguments());
        exitCode = new CommandLine(new LocalPipeline(printer, (broker, run) -> brokerWasSecured = broker.isSecured(), (broker, run) -> {
            await().atMost(Duration.ofMinutes(5)).until(() -> output.toString(StandardCharsets.UTF_8).contains("| epoch 2/" + EPOCHS + " done"));
            broker.restart();
            printer.println("e2e: the broker was stopped and started again after epoch 2");
        })).execute(arguments.toArray(String[]::new));
        console = output.toString(StandardCharsets.UTF_8);
        System.out.println(console);
    }

    @Test
    void runsToTheEndAndTellsHowToViewTheLogs() {
        assertThat(exitCode).as(console).isZero();
        assertThat(console).contains("tensorboard --logdir " + work.resolve("runs").toAbsolutePath().normalize())
                .contains("e2e: the broker was stopped and started again after epoch 2");
    }

    /** The model saved at the end, scored again by {@code trainer evaluate} on the same test images, scores what the run logged. */
    @Test
    void theSavedModelEvaluatedAgainScoresWhatTheRunLoggedForItsTest() throws Exception {
        Path model = work.resolve("models").resolve(RUN).resolve("worker.zip");
        assertThat(console).contains("model saved to " + model.toAbsolutePath().normalize());
        Process evaluate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("..", "trainer", "target", "trainer.jar").toString(), "evaluate", "--model", model.toString(),
                "--data-dir", work.resolve("data").toString(), "--samples", "16").redirectErrorStream(true).start();
        String printed = new String(evaluate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(evaluate.waitFor()).as(printed).isZero();

        double accuracy = scalars(runDir().resolve(SCORING_WORKER), "test/accuracy").get(0).value();
        double loss = scalars(runDir().resolve(SCORING_WORKER), "test/loss").get(0).value();
        assertThat(printed).contains(model + " on the test split of " + work.resolve("data") + ": loss " + "%.4f".formatted(loss)
                + " | accuracy " + "%.4f".formatted(accuracy)).contains("| 16 images");
    }

    @Test
    void printsWhereToReachThePageTheApiKafkaItsSecurityAndTensorBoardFirstEvenWhenQuiet() {
        assertThat(console.lines().limit(7).toList()).satisfiesExactly(
                line -> assertThat(line).startsWith("lr-pipeline: run " + RUN),
                line -> assertThat(line).matches("  page:        http://127\\.0\\.0\\.1:\\d+/"),
                line -> assertThat(line).matches("  Swagger UI:  http://127\\.0\\.0\\.1:\\d+/q/swagger-ui"),
                line -> assertThat(line).matches("  REST API:    http://127\\.0\\.0\\.1:\\d+/api/runs/" + RUN + "/commands"),
                line -> assertThat(line).matches("  Kafka:       127\\.0\\.0\\.1:\\d+ \\(commands on lr\\.commands, keyed by run id\\)"),
                line -> assertThat(line).startsWith("  security:    " + securityBanner()),
                line -> assertThat(line).startsWith("  TensorBoard: tensorboard --logdir "));
    }

    @Test
    void logsTheScheduledRateOnceForEveryEpochUnderTheSeedsTag() throws IOException {
        Schedule schedule = Presets.named(Presets.KERAS_STEP_DECAY).schedule();

        List<Scalar> scheduled = scalars(runDir(), "learning rate");

        assertThat(scheduled).extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L);
        for (Scalar point : scheduled) {
            assertThat(point.value()).as("epoch %d", point.step()).isEqualTo((float) schedule.at((int) point.step()));
        }
    }

    @Test
    void everyWorkerAppliedExactlyTheScheduledRateAtEveryEpoch() throws IOException {
        Schedule schedule = Presets.named(Presets.KERAS_STEP_DECAY).schedule();
        for (String worker : WORKERS) {
            List<Scalar> applied = scalars(runDir().resolve(worker), "lr/applied");

            assertThat(applied).as(worker).extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L);
            for (Scalar point : applied) {
                assertThat(point.value()).as("%s epoch %d", worker, point.step()).isEqualTo((float) schedule.at((int) point.step()));
            }
        }
        assertThat(schedule.at(1)).isNotEqualTo(schedule.at(0));
    }

    @Test
    void everyWorkerLogsLossAndThroughputPerEpochAndTheModelsValidationAndTestScoresComeOnce() throws IOException {
        for (String worker : WORKERS) {
            for (String tag : EPOCH_TAGS) {
                assertThat(scalars(runDir().resolve(worker), tag)).as("%s %s", worker, tag)
                        .extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L);
            }
            assertThat(scalars(runDir().resolve(worker).resolve("iterations"), "loss/iteration")).as(worker)
                    .hasSize(EPOCHS * STEPS_PER_WORKER_AND_EPOCH);
        }
        for (String tag : VALIDATION_TAGS) {
            assertThat(scalars(runDir().resolve(SCORING_WORKER), tag)).as(tag).extracting(Scalar::step).containsExactly(0L, 1L, 2L, 3L);
            assertThat(scalars(runDir().resolve("worker-1"), tag)).as(tag).isEmpty();
        }
        for (String tag : TEST_TAGS) {
            assertThat(scalars(runDir().resolve(SCORING_WORKER), tag)).as(tag).extracting(Scalar::step).containsExactly((long) EPOCHS);
            assertThat(scalars(runDir().resolve("worker-1"), tag)).as(tag).isEmpty();
        }
    }

    /** Every record is whole and CRC-valid, and every scalar is one TensorBoard's default loader shows (see TfEventFiles). */
    @Test
    void everyFileStartsWithItsVersionAndHoldsOnlyValidRecordsAndScalarsATensorBoardShows() throws IOException {
        for (Path dir : List.of(runDir(), runDir().resolve("worker-0"), runDir().resolve("worker-1"),
                runDir().resolve("worker-0/iterations"), runDir().resolve("worker-1/iterations"))) {
            List<Path> files = TfEventFiles.eventFiles(dir);
            assertThat(files).as(dir.toString()).isNotEmpty();
            for (Path file : files) {
                List<Event> events = TfEventFiles.readEvents(file); // throws on any bad CRC or torn record
                assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
            }
            // throws on a scalar the data server would drop, or on a tag whose first value in a file has no metadata
            assertThat(TfEventFiles.readPointsIn(dir)).as(dir.toString()).isNotEmpty();
        }
    }

    /**
     * A real TensorBoard shows every curve, read through the HTTP API its Scalars dashboard uses: with the Rust data
     * server (what a default TensorBoard loads with where it is installed, as a pip install brings it) and with the
     * Python loader. Each rate is {@code (float)} of the scheduled one, every epoch and iteration is there, and nothing
     * else passes for a scalar (the HParams placeholder, text).
     */
    @ParameterizedTest(name = "--load_fast={0}")
    @ValueSource(strings = {"true", "false"})
    void aRealTensorBoardShowsEveryCurve(String loadFast) throws Exception {
        Path executable = RealTensorBoard.executable().orElse(null);
        assumeTrue(executable != null, "TENSORBOARD names no TensorBoard executable (./run-tests.sh installs one from PyPI where it can)");
        Set<String> workerTags = new TreeSet<>(EPOCH_TAGS);
        workerTags.addAll(List.of("lr/applied", "lr/applied_schedule_version"));
        Set<String> scoringWorkerTags = new TreeSet<>(workerTags);
        scoringWorkerTags.addAll(VALIDATION_TAGS);
        Map<String, Set<String>> expected = new TreeMap<>(Map.of(RUN, Set.of("learning rate", "lr/schedule_version")));
        for (String worker : WORKERS) {
            Set<String> tags = new TreeSet<>(worker.equals(SCORING_WORKER) ? scoringWorkerTags : workerTags);
            if (worker.equals(SCORING_WORKER)) {
                tags.addAll(TEST_TAGS);
            }
            expected.put(RUN + "/" + worker, tags);
            expected.put(RUN + "/" + worker + "/iterations", Set.of("loss/iteration"));
        }
        Schedule schedule = Presets.named(Presets.KERAS_STEP_DECAY).schedule();
        List<RealTensorBoard.Point> scheduled = IntStream.range(0, EPOCHS)
                .mapToObj(epoch -> new RealTensorBoard.Point(epoch, (float) schedule.at(epoch))).toList();
        Path log = work.resolve("tensorboard-load-fast-" + loadFast + ".log");

        try (RealTensorBoard tensorBoard = RealTensorBoard.start(executable, work.resolve("runs"), loadFast, log)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> !tensorBoard.isAlive() || tensorBoard.scalarTags().equals(expected));
            assertThat(tensorBoard.isAlive()).as("TensorBoard is running (log: %s)", log).isTrue();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(tensorBoard.scalars(RUN, "learning rate")).isEqualTo(scheduled);
                for (String worker : WORKERS) {
                    assertThat(tensorBoard.scalars(RUN + "/" + worker, "lr/applied")).as(worker).isEqualTo(scheduled);
                    for (String tag : worker.equals(SCORING_WORKER) ? scoringWorkerTags : workerTags) {
                        assertThat(tensorBoard.scalars(RUN + "/" + worker, tag)).as("%s %s", worker, tag)
                                .extracting(RealTensorBoard.Point::step).containsExactly(0L, 1L, 2L, 3L);
                    }
                    assertThat(tensorBoard.scalars(RUN + "/" + worker + "/iterations", "loss/iteration")).as(worker)
                            .hasSize(EPOCHS * STEPS_PER_WORKER_AND_EPOCH);
                }
                for (String tag : TEST_TAGS) {
                    assertThat(tensorBoard.scalars(RUN + "/" + SCORING_WORKER, tag)).as(tag)
                            .extracting(RealTensorBoard.Point::step).containsExactly((long) EPOCHS);
                }
            });
        }
    }

    @Test
    void theBrokerIsSecuredExactlyWhenAskedFor() {
        assertThat(brokerWasSecured).isEqualTo(!securityArguments().isEmpty());
    }

    Path runDir() {
        return work.resolve("runs").resolve(RUN);
    }

    private static List<Scalar> scalars(Path dir, String tag) throws IOException {
        return TfEventFiles.readScalarsIn(dir).stream().filter(s -> s.tag().equals(tag))
                .sorted(Comparator.comparingLong(Scalar::step)).toList();
    }
}
