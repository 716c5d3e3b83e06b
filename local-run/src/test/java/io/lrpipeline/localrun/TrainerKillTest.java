package io.lrpipeline.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.Schedule;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.logsink.TfEventFiles.Point;
import io.lrpipeline.logsink.TfEventFiles;
import io.lrpipeline.trainer.data.BandedImages;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A trainer that survives SIGKILL: one run of the local pipeline (real broker, scheduler, log-sink; the trainer a JVM of
 * its own training one model with two ParallelWrapper replicas, checkpointing every 2 steps) during which the trainer
 * is killed five times, at moments chosen from what it does: in the middle of an epoch (at a random delay after a step),
 * while it writes a checkpoint, just after one, while it waits for the scheduler's rate (the scheduler held with
 * SIGSTOP), and mid-epoch again. The launcher starts it again each time and it goes on from its newest checkpoint.
 * Then the same run without kills, and the two compared: the saved models bit for bit, every worker's every tag as
 * both of TensorBoard's loaders read it, each step once, with the same values. Run with {@code -Dkill.resume=never}
 * to see it fail without resuming.
 */
class TrainerKillTest {
    private static final int EPOCHS = 4;
    /** 64 images per epoch in batches of 8 for two replicas: 4 steps each, a checkpoint after steps 2 and 4. */
    private static final int STEPS = 4;
    private static final int CHECKPOINT_EVERY = 2;
    private static final List<String> WORKERS = List.of("worker-0", "worker-1");
    private static final String RESUME = System.getProperty("kill.resume", "auto");

    @TempDir
    static Path work;

    static Outcome killed;
    static Outcome uninterrupted;
    static final List<String> kills = new ArrayList<>();

    /** What one run left: its exit status, console, directories, and every training metric it published. */
    record Outcome(int exitCode, String console, Path logs, Path models, List<TrainingMetric> metrics) {}

    @BeforeAll
    static void trainKilledAndUninterrupted() throws Exception {
        Path data = BandedImages.fashionMnistShaped(work.resolve("data"));
        killed = run("killed", data, true);
        uninterrupted = run("uninterrupted", data, false);
    }

    private static Outcome run(String name, Path data, boolean kill) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path checkpoints = dir.resolve("checkpoints");
        Lines console = new Lines();
        List<TrainingMetric> metrics = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pipeline = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> run = pipeline.submit(() -> new CommandLine(new LocalPipeline(new PrintStream(console, true, StandardCharsets.UTF_8),
                    (broker, runId) -> metrics.addAll(allMetrics(broker.bootstrapServers(), runId)))).execute(
                    "--run-id", "run", "--epochs", String.valueOf(EPOCHS), "--workers", "2", "--samples-per-epoch", "64", "--batch-size", "8",
                    "--width", "0.0625", "--input-size", "75", "--validation-samples", "16", "--test-samples", "16",
                    "--schedule", Presets.KERAS_STEP_DECAY, "--data-dir", data.toString(), "--logdir", dir.resolve("runs").toString(),
                    "--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", String.valueOf(CHECKPOINT_EVERY),
                    "--save-dir", dir.resolve("models").toString(), "--restart-workers", "8", "--resume", kill ? RESUME : "auto",
                    "--home", "..", "--quiet"));
            if (kill) {
                killFiveTimes(console, checkpoints.resolve("run").resolve("worker"), run);
            }
            int exit = run.get(12, TimeUnit.MINUTES);
            return new Outcome(exit, console.text(), dir.resolve("runs").resolve("run"), dir.resolve("models").resolve("run"), List.copyOf(metrics));
        } finally {
            pipeline.shutdownNow();
            System.out.println(console.text());
        }
    }

    private static void killFiveTimes(Lines console, Path checkpoints, Future<Integer> run) throws Exception {
        Random random = new Random(7);
        console.await(line -> line.contains("worker-0 | epoch 2/4 | iteration 1/4"), run);
        Thread.sleep(random.nextInt(1500));
        kill("mid-epoch in epoch 2");

        Files.createDirectories(checkpoints);
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            checkpoints.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            awaitCreated(watcher, name -> name.endsWith(".lrckpt.tmp"), run);
            kill("while it wrote a checkpoint");
            awaitCreated(watcher, name -> name.endsWith(".lrckpt"), run);
            kill("just after it wrote a checkpoint");
        }

        console.await(line -> line.contains("worker-0 | epoch 3/4 | iteration 4/4"), run);
        ProcessHandle scheduler = child("quarkus-run.jar");
        signal(scheduler, "STOP");
        try {
            console.await(line -> line.contains("worker | epoch 4 | waiting up to"), run);
            Thread.sleep(1000);
            kill("while it waited for the rate of epoch 4 (the scheduler stopped)");
        } finally {
            signal(scheduler, "CONT");
        }

        console.await(line -> line.contains("worker-0 | epoch 4/4 | iteration 1/4"), run);
        Thread.sleep(random.nextInt(1500));
        kill("mid-epoch in epoch 4");
    }

    private static void kill(String when) throws InterruptedException {
        ProcessHandle trainer = child("trainer.jar");
        trainer.destroyForcibly();
        trainer.onExit().join();
        kills.add(when);
    }

    /** The pipeline's child JVM whose command line names {@code jar}. */
    private static ProcessHandle child(String jar) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            var found = ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(jar)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no process of " + jar);
    }

    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor()).isZero();
    }

    private static void awaitCreated(WatchService watcher, Predicate<String> name, Future<Integer> run) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline && !run.isDone()) {
            WatchKey key = watcher.poll(100, TimeUnit.MILLISECONDS);
            if (key == null) {
                continue;
            }
            boolean seen = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                seen |= event.context() instanceof Path file && name.test(file.getFileName().toString());
            }
            key.reset();
            if (seen) {
                return;
            }
        }
        throw new AssertionError("the run ended or took too long before the checkpoint file the test waits for");
    }

    private static List<TrainingMetric> allMetrics(String bootstrap, String runId) {
        List<TrainingMetric> metrics = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = KafkaSettings.plain(bootstrap).consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "kill-test", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of(Topics.TRAINING_METRICS));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    quietSince = System.nanoTime();
                    if (runId.equals(record.key())) {
                        metrics.add(EventJson.read(record.value(), TrainingMetric.class));
                    }
                }
            }
        }
        return metrics;
    }

    @Test
    void theRunEndsWellAfterFiveKillsEachFollowedByAResumeFromACheckpoint() {
        assertThat(killed.exitCode()).as(killed.console()).isZero();
        assertThat(uninterrupted.exitCode()).as(uninterrupted.console()).isZero();
        assertThat(kills).hasSize(5);
        assertThat(killed.console()).contains("the trainer was started again 5 times");
        assertThat(killed.console().lines().filter(line -> line.contains("worker | resumed from a checkpoint")).count()).isEqualTo(5);
        assertThat(killed.console()).as("a write cut short by the kill").contains("a checkpoint whose writing was cut short");
        assertThat(killed.console()).containsPattern("resumed worker-0 +5 times from its checkpoints");
    }

    /** Resuming loses at most the steps since the last checkpoint: each kill costs up to CHECKPOINT_EVERY steps trained again. */
    @Test
    void eachKillCostsAtMostTheStepsSinceTheLastCheckpoint() {
        for (String worker : WORKERS) {
            long published = killed.metrics().stream().filter(m -> m instanceof IterationCompleted && m.workerId().equals(worker)).count();
            assertThat(published).as("%s: steps trained, with those trained again after a kill", worker)
                    .isBetween((long) EPOCHS * STEPS, (long) EPOCHS * STEPS + (long) kills.size() * CHECKPOINT_EVERY);
        }
    }

    @Test
    void theModelIsBitForBitTheUninterruptedRunsWithItsOptimizerState() throws IOException {
        ComputationGraph resumed = ModelSerializer.restoreComputationGraph(killed.models().resolve("worker.zip").toFile(), true);
        ComputationGraph straight = ModelSerializer.restoreComputationGraph(uninterrupted.models().resolve("worker.zip").toFile(), true);

        assertThat(resumed.params().toFloatVector()).containsExactly(straight.params().toFloatVector());
        assertThat(resumed.getUpdater().getStateViewArray().toFloatVector()).containsExactly(straight.getUpdater().getStateViewArray().toFloatVector());
        assertThat(resumed.getIterationCount()).isEqualTo(straight.getIterationCount()).isEqualTo(EPOCHS * STEPS);
    }

    @Test
    void everyTagOfEveryWorkerHasEachStepOnceWithTheUninterruptedRunsValuesInBothLoaders() throws IOException {
        for (String worker : WORKERS) {
            for (Path dir : List.of(killed.logs().resolve(worker), killed.logs().resolve(worker).resolve("iterations"))) {
                Path same = uninterrupted.logs().resolve(killed.logs().relativize(dir));
                for (boolean rust : List.of(false, true)) {
                    Map<String, List<Point>> shown = series(rust ? TfEventFiles.defaultLoaderView(dir) : TfEventFiles.tensorBoardView(dir));
                    Map<String, List<Point>> expected = series(rust ? TfEventFiles.defaultLoaderView(same) : TfEventFiles.tensorBoardView(same));
                    assertThat(shown.keySet()).as("%s tags", dir).isEqualTo(expected.keySet());
                    shown.forEach((tag, points) -> {
                        String what = "%s %s (%s loader)".formatted(killed.logs().relativize(dir), tag, rust ? "default" : "Python");
                        assertThat(points).as(what).extracting(Point::step).doesNotHaveDuplicates()
                                .containsExactlyElementsOf(expected.get(tag).stream().map(Point::step).toList());
                        if (!tag.startsWith("throughput")) {
                            assertThat(points).as(what).extracting(Point::value)
                                    .containsExactlyElementsOf(expected.get(tag).stream().map(Point::value).toList());
                        }
                    });
                }
            }
            assertThat(series(TfEventFiles.tensorBoardView(killed.logs().resolve(worker).resolve("iterations"))).get("loss/iteration"))
                    .extracting(Point::step).containsExactlyElementsOf(LongStream.rangeClosed(1, EPOCHS * STEPS).boxed().toList());
        }
    }

    @Test
    void everyWorkerAppliedTheScheduledRateAtEveryEpoch() throws IOException {
        Schedule schedule = Presets.named(Presets.KERAS_STEP_DECAY).schedule();
        for (String worker : WORKERS) {
            List<Point> applied = series(TfEventFiles.defaultLoaderView(killed.logs().resolve(worker))).get("lr/applied");
            assertThat(applied).extracting(Point::step).containsExactly(0L, 1L, 2L, 3L);
            for (Point point : applied) {
                assertThat(point.value()).as("%s epoch %d", worker, point.step()).isEqualTo(Float.toString((float) schedule.at((int) point.step())));
            }
        }
    }

    /** Scalars and texts by tag, sorted by step, as shown. */
    private static Map<String, List<Point>> series(List<Point> points) {
        return points.stream().collect(Collectors.groupingBy(Point::tag, TreeMap::new,
                Collectors.collectingAndThen(Collectors.toList(), list -> list.stream().sorted((a, b) -> Long.compare(a.step(), b.step())).toList())));
    }

    /** A console that keeps its lines and lets a test wait for one. */
    static final class Lines extends OutputStream {
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder line = new StringBuilder();
        private final List<String> lines = new ArrayList<>();
        private int seen;

        @Override
        public synchronized void write(int b) {
            text.append((char) b);
            if (b == '\n') {
                lines.add(line.toString());
                line.setLength(0);
                notifyAll();
            } else {
                line.append((char) b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            for (String piece : new String(bytes, offset, length, StandardCharsets.UTF_8).split("(?<=\n)")) {
                for (char c : piece.toCharArray()) {
                    write(c);
                }
            }
        }

        synchronized String text() {
            return text.toString();
        }

        /** Waits for a line after those already waited for that {@code wanted} accepts. */
        synchronized void await(Predicate<String> wanted, Future<Integer> run) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline && !run.isDone()) {
                while (seen < lines.size()) {
                    if (wanted.test(lines.get(seen++))) {
                        return;
                    }
                }
                wait(200);
            }
            throw new AssertionError("the run ended or took too long before the line the test waits for");
        }
    }
}
