package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.logsink.TfEventFiles.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink as a separate process against a real broker, killed with SIGKILL at random moments while a stream
 * of metrics and rate events (some of them sent twice) flows, started again each time; then one last run to the
 * end. Every (directory, tag, step) must be in the files once, with its value, every record valid; and a replay
 * of the topics into a fresh directory must give the same points.
 */
class KilledSinkTest {
    private static final int KILLS = 20;
    private static final int RUNS = 3;
    private static final int WORKERS = 2;
    private static final int EPOCHS = 30;
    private static final int ITERATIONS_PER_EPOCH = 150;
    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

    @TempDir
    static Path work;
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.start(work.resolve("kafka"));
        broker.createContractTopics();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void killedTwentyTimesWhileEventsFlowItStillWritesEveryPointExactlyOnceAndAReplayEqualsIt() throws Exception {
        Path live = work.resolve("live");
        Random random = new Random(20261124);
        AtomicInteger kills = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        Thread producer = new Thread(() -> produce(sent, kills), "event-stream");
        producer.start();
        for (int kill = 0; kill < KILLS; kill++) {
            long committedBefore = committedRecords(live);
            Process sink = startSink(live);
            awaitCommitted(live, n -> n > committedBefore, Duration.ofSeconds(60)); // it is up and writing
            Thread.sleep(random.nextInt(1_500));
            assertThat(producer.isAlive()).as("events still flowing at kill %d", kill + 1).isTrue();
            sink.destroyForcibly().waitFor(); // SIGKILL
            kills.incrementAndGet();
        }
        producer.join();
        Process last = startSink(live);
        long end = endOffsets().values().stream().mapToLong(Long::longValue).sum();
        awaitCommitted(live, n -> n >= end, Duration.ofSeconds(120));
        last.destroy();
        assertThat(last.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        Map<String, Map<String, Map<Long, String>>> written = pointsByDirectoryAndTag(live); // fails on any bad record
        assertThat(written).isEqualTo(expectedPoints());

        Path replayed = work.resolve("replayed");
        int exit = new picocli.CommandLine(new LogSinkMain()).execute("--bootstrap-servers", broker.bootstrapServers(),
                "--logdir", replayed.toString(), "--replay");
        assertThat(exit).isZero();
        assertThat(pointSequences(replayed)).isEqualTo(pointSequences(live));
    }

    /**
     * The stream: per epoch each run's rate event, then every worker's epoch; one record in 40 twice. An epoch every
     * 1.5 s (about 45 s in all), held back if the kills fall behind (epoch e waits for e × KILLS / (EPOCHS - 1) of
     * them, the last for all), so that every kill falls while events flow, however slowly this machine starts a JVM.
     */
    private static void produce(AtomicLong sent, AtomicInteger kills) {
        try (KafkaProducer<String, String> producer = KafkaSettings.plain(broker.bootstrapServers())
                .producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int run = 0; run < RUNS; run++) {
                for (int worker = 0; worker < WORKERS; worker++) {
                    send(producer, Topics.TRAINING_METRICS, run(run), new WorkerJoined(run(run), worker(worker), WORKERS, EPOCHS, 0, 0,
                            Map.of("batch_size", 16), T0), sent);
                }
            }
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                while (kills.get() < epoch * KILLS / (EPOCHS - 1)) {
                    Thread.sleep(50);
                }
                for (int run = 0; run < RUNS; run++) {
                    send(producer, Topics.LR_EVENTS, run(run), new LearningRateChanged("e" + run + "-" + epoch, run(run), epoch,
                            rate(run, epoch), 1 + epoch / 10, "step-decay", at(epoch, 0)), sent);
                    for (int worker = 0; worker < WORKERS; worker++) {
                        produceEpoch(producer, run, worker, epoch, sent);
                    }
                }
                producer.flush();
                Thread.sleep(1_500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void produceEpoch(KafkaProducer<String, String> producer, int run, int worker, int epoch, AtomicLong sent) {
        String runId = run(run);
        send(producer, Topics.TRAINING_METRICS, runId, new EpochStarted(runId, worker(worker), epoch, rate(run, epoch),
                1 + epoch / 10, RateSource.SCHEDULER, "e" + run + "-" + epoch, iteration(epoch, 0), at(epoch, 0)), sent);
        for (int i = 1; i <= ITERATIONS_PER_EPOCH; i++) {
            send(producer, Topics.TRAINING_METRICS, runId, new IterationCompleted(runId, worker(worker), epoch,
                    iteration(epoch, i), loss(run, worker, iteration(epoch, i)), at(epoch, i)), sent);
        }
        send(producer, Topics.TRAINING_METRICS, runId, new EpochEnded(runId, worker(worker), epoch, ITERATIONS_PER_EPOCH,
                loss(run, worker, epoch), validation(run, worker, epoch), 100 + run + worker + epoch, rate(run, epoch),
                at(epoch, ITERATIONS_PER_EPOCH)), sent);
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String key, Object event, AtomicLong sent) {
        String json = EventJson.write(event);
        producer.send(new ProducerRecord<>(topic, key, json));
        if (sent.incrementAndGet() % 40 == 0) {
            producer.send(new ProducerRecord<>(topic, key, json)); // at-least-once: the same event again
        }
    }

    /** What the files must hold: directory → tag → step → value, computed from the stream's own formulas. */
    private static Map<String, Map<String, Map<Long, String>>> expectedPoints() {
        Map<String, Map<String, Map<Long, String>>> expected = new HashMap<>();
        for (int run = 0; run < RUNS; run++) {
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                put(expected, run(run), "learning rate", epoch, rate(run, epoch));
                put(expected, run(run), "lr/schedule_version", epoch, 1 + epoch / 10);
                for (int worker = 0; worker < WORKERS; worker++) {
                    String dir = run(run) + "/" + worker(worker);
                    put(expected, dir, "lr/applied", epoch, rate(run, epoch));
                    put(expected, dir, "lr/applied_schedule_version", epoch, 1 + epoch / 10);
                    put(expected, dir, "loss", epoch, loss(run, worker, epoch));
                    put(expected, dir, "validation/loss", epoch, validation(run, worker, epoch).loss());
                    put(expected, dir, "validation/accuracy", epoch, validation(run, worker, epoch).accuracy());
                    put(expected, dir, "validation/top5_accuracy", epoch, validation(run, worker, epoch).top5Accuracy());
                    put(expected, dir, "throughput/images_per_sec", epoch, 100 + run + worker + epoch);
                    for (int i = 1; i <= ITERATIONS_PER_EPOCH; i++) {
                        put(expected, dir + "/iterations", "loss/iteration", iteration(epoch, i), loss(run, worker, iteration(epoch, i)));
                    }
                }
            }
            for (int worker = 0; worker < WORKERS; worker++) {
                expected.get(run(run) + "/" + worker(worker)).put("START", Map.of(0L, ""));
                expected.get(run(run) + "/" + worker(worker) + "/iterations").put("START", Map.of(1L, ""));
            }
            expected.get(run(run)).put("_hparams_/session_start_info", Map.of(0L, "hparams"));
        }
        return expected;
    }

    private static void put(Map<String, Map<String, Map<Long, String>>> expected, String dir, String tag, long step, double value) {
        expected.computeIfAbsent(dir, d -> new HashMap<>()).computeIfAbsent(tag, t -> new HashMap<>()).put(step, Float.toString((float) value));
    }

    /** Every point of every directory, failing the test if a (directory, tag, step) appears twice. */
    private static Map<String, Map<String, Map<Long, String>>> pointsByDirectoryAndTag(Path logDir) throws Exception {
        Map<String, Map<String, Map<Long, String>>> points = new HashMap<>();
        for (Map.Entry<String, List<Point>> dir : pointSequencesByDirectory(logDir).entrySet()) {
            for (Point point : dir.getValue()) {
                String previous = points.computeIfAbsent(dir.getKey(), d -> new HashMap<>())
                        .computeIfAbsent(point.tag(), t -> new HashMap<>()).put(point.step(), point.value());
                assertThat(previous).as("%s %s step %d written twice", dir.getKey(), point.tag(), point.step()).isNull();
            }
        }
        return points;
    }

    /** Directory → tag → the points of that tag in reading order. */
    private static Map<String, Map<String, List<Point>>> pointSequences(Path logDir) throws Exception {
        Map<String, Map<String, List<Point>>> sequences = new HashMap<>();
        pointSequencesByDirectory(logDir).forEach((dir, points) -> {
            for (Point point : points) {
                sequences.computeIfAbsent(dir, d -> new LinkedHashMap<>()).computeIfAbsent(point.tag(), t -> new ArrayList<>()).add(point);
            }
        });
        return sequences;
    }

    private static Map<String, List<Point>> pointSequencesByDirectory(Path logDir) throws Exception {
        Map<String, List<Point>> byDirectory = new HashMap<>();
        try (Stream<Path> dirs = Files.walk(logDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.toString().contains(".log-sink")).toList()) {
                List<Point> points = TfEventFiles.readPointsIn(dir);
                if (!points.isEmpty()) {
                    byDirectory.put(logDir.relativize(dir).toString(), points);
                }
            }
        }
        return byDirectory;
    }

    private static Process startSink(Path logDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), LogSinkMain.class.getName(),
                "--bootstrap-servers", broker.bootstrapServers(), "--logdir", logDir.toString(), "--flush-ms", "200")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("sink.log").toFile())).start();
    }

    /** Waits until the number of records behind the sink's committed checkpoint satisfies {@code wanted}. */
    private static void awaitCommitted(Path logDir, LongPredicate wanted, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!wanted.test(committedRecords(logDir))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sink's checkpoint did not get there within " + limit + "; see " + work.resolve("sink.log"));
            }
            Thread.sleep(50);
        }
    }

    /** The records the committed checkpoint has consumed, summed over partitions (every topic starts at offset 0 here). */
    private static long committedRecords(Path logDir) throws Exception {
        Path checkpoint = logDir.resolve(".log-sink/checkpoint.json");
        try {
            return new ObjectMapper().readValue(checkpoint.toFile(), SinkCheckpoint.class).offsets().values().stream()
                    .mapToLong(Long::longValue).sum();
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (java.io.IOException e) {
            return -1; // replaced while being read: read it again
        }
    }

    private static Map<String, Long> endOffsets() throws Exception {
        try (Admin admin = KafkaSettings.plain(broker.bootstrapServers()).admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (String topic : SinkLoop.TOPICS) {
                for (var partition : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
                    request.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
                }
            }
            Map<String, Long> end = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) ->
                    end.put(SinkCheckpoint.partitionKey(tp.topic(), tp.partition()), info.offset()));
            return end;
        }
    }

    private static String run(int run) {
        return "run-" + run;
    }

    private static String worker(int worker) {
        return "worker-" + worker;
    }

    private static long iteration(int epoch, int i) {
        return (long) epoch * ITERATIONS_PER_EPOCH + i;
    }

    private static Instant at(int epoch, int i) {
        return T0.plusSeconds(epoch * 60L).plusMillis(i * 100L);
    }

    private static double rate(int run, int epoch) {
        return 0.045 * Math.pow(0.94, epoch / 2) + run * 1e-3;
    }

    private static double loss(int run, int worker, long step) {
        return 2.0 / (1 + step) + worker * 0.01 + run * 0.1;
    }

    private static Evaluation validation(int run, int worker, int epoch) {
        double accuracy = 0.1 + epoch * 0.02 + worker * 0.001 + run * 0.0001;
        return new Evaluation(loss(run, worker, epoch) + 0.5, accuracy, Math.min(1, 2 * accuracy), 500);
    }
}
