package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import io.lrpipeline.trainer.data.FashionMnist;
import io.lrpipeline.trainer.data.IdxFiles;
import io.lrpipeline.trainer.data.LabeledImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as users run it, the packaged jar in its own JVM with a small heap, against a real broker: an epoch of
 * 299×299 images whose arrays would need far more than the heap streams through in batches, then validation and the
 * test score. (It lives here, not in the trainer's module, whose tests have Spark's Scala 2.12 where the in-process
 * broker needs 2.13.)
 */
class StreamedTrainingTest {
    private static final int IMAGES = 264;
    private static final int INPUT = 299;
    private static final int HEAP_MIB = 64;

    @TempDir
    Path dir;

    @Test
    void anEpochLargerThanTheHeapStreamsThroughIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxFiles.write(randomImages(IMAGES, 1), data.resolve(FashionMnist.TRAIN_IMAGES), data.resolve(FashionMnist.TRAIN_LABELS));
        IdxFiles.write(randomImages(8, 2), data.resolve(FashionMnist.TEST_IMAGES), data.resolve(FashionMnist.TEST_LABELS));
        long epochArrayBytes = (long) IMAGES * INPUT * INPUT * Float.BYTES;
        assertThat(epochArrayBytes).as("one epoch as float arrays, against the heap").isGreaterThan(HEAP_MIB * 1024L * 1024 * 4 / 3);

        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            broker.createContractTopics();
            // ND4J's arrays live off the heap; its cap is raised so that only the heap is small.
            Process trainer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + HEAP_MIB + "m", "-Dorg.bytedeco.javacpp.maxbytes=2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=3g",
                    "-jar", Path.of("..", "trainer", "target", "trainer.jar").toString(),
                    "--bootstrap-servers", broker.bootstrapServers(), "--run-id", "streamed", "--worker-index", "0", "--workers", "1",
                    "--epochs", "1", "--data-dir", data.toString(), "--input-size", String.valueOf(INPUT), "--width", "0.03",
                    "--batch-size", "8", "--validation-fraction", "0.0303", "--rate-wait-seconds", "0", "--progress-seconds", "60",
                    "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--save-dir", dir.resolve("models").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("trainer.log").toFile()).start();
            boolean exited = trainer.waitFor(10, TimeUnit.MINUTES);
            if (!exited) {
                trainer.destroyForcibly().waitFor();
            }
            String log = Files.readString(dir.resolve("trainer.log"), StandardCharsets.UTF_8);
            assertThat(exited).as(log).isTrue();
            assertThat(trainer.exitValue()).as(log).isZero();
            assertThat(log).contains("epochs of 256 images").doesNotContain("OutOfMemoryError");

            List<TrainingMetric> metrics = metricsOf(broker.bootstrapServers(), "streamed");
            assertThat(metrics).filteredOn(EpochEnded.class::isInstance).map(EpochEnded.class::cast).singleElement()
                    .satisfies(ended -> {
                        assertThat(ended.iterations()).isEqualTo(256 / 8);
                        assertThat(ended.validation().samples()).isEqualTo(8);
                    });
            assertThat(metrics).last().isInstanceOfSatisfying(WorkerFinished.class, finished -> assertThat(finished.test().samples()).isEqualTo(8));
        }
    }

    private static LabeledImages randomImages(int count, long seed) {
        Random random = new Random(seed);
        byte[][] pixels = new byte[count][28 * 28];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            random.nextBytes(pixels[i]);
            labels[i] = random.nextInt(10);
        }
        return new LabeledImages(28, 28, pixels, labels);
    }

    private static List<TrainingMetric> metricsOf(String bootstrap, String runId) {
        List<TrainingMetric> metrics = new ArrayList<>();
        for (ConsumerRecord<String, String> record
                : TopicPartitions.readAll(KafkaSettings.plain(bootstrap), List.of(Topics.TRAINING_METRICS), Duration.ofSeconds(30))) {
            if (runId.equals(record.key())) {
                metrics.add(EventJson.read(record.value(), TrainingMetric.class));
            }
        }
        return metrics;
    }
}
