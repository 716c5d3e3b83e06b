package io.lrpipeline.benchmarks;

import io.lrpipeline.broker.LocalKafkaBroker;
import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.kafka.KafkaSettings;
import io.lrpipeline.kafka.TopicPartitions;
import io.lrpipeline.logsink.EventFileWriter;
import io.lrpipeline.logsink.EventProtos;
import io.lrpipeline.logsink.FileRotation;
import io.lrpipeline.logsink.LogSink;
import io.lrpipeline.logsink.RecordReader;
import io.lrpipeline.logsink.RecordWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The log-sink's speed, in three parts, on a real broker in this JVM: the record writer alone (records/s, MB/s),
 * the whole sink from Kafka to forced files (scalar points/s, next to the Kafka read and JSON parse alone), and
 * the latency from a point produced to the point readable in its file.
 */
@Command(name = "sink-benchmark", mixinStandardHelpOptions = true)
public final class SinkBenchmark implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "2000000", description = "Records for the writer part (default ${DEFAULT-VALUE}).")
    int writerRecords;

    @Option(names = "--points", defaultValue = "3000000", description = "Scalar points through Kafka for the end-to-end part (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--runs", defaultValue = "8", description = "Runs the points are spread over, 4 workers each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--latency-seconds", defaultValue = "20") int latencySeconds;

    @Option(names = "--latency-rate", defaultValue = "200", description = "Points per second in the latency part (default ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(names = "--flush-ms", split = ",", defaultValue = "500,100", description = "Sink flush settings the latency part compares.")
    List<Long> flushSettings;

    @Option(names = "--work", defaultValue = "target/sink-benchmark") Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SinkBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        deleteRecursively(work);
        Files.createDirectories(work);
        System.out.printf("log-sink benchmark · %d cores · %s%n", Runtime.getRuntime().availableProcessors(), Instant.now());
        recordWriter();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            broker.createContractTopics();
            for (long flushMs : flushSettings) {
                latency(broker.bootstrapServers(), flushMs);
            }
            endToEnd(broker.bootstrapServers());
        }
        return 0;
    }

    /** Framing alone, then encoding and framing, each to a file forced once at the end; best of three. */
    private void recordWriter() throws IOException {
        byte[] event = sampleEvent();
        double framedBest = 0;
        double encodedBest = 0;
        long framedBytes = 0;
        long encodedBytes = 0;
        for (int round = 0; round < 3; round++) {
            Path framedFile = work.resolve("framed-" + round);
            long started = System.nanoTime();
            try (FileChannel channel = FileChannel.open(framedFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
                for (int i = 0; i < writerRecords; i++) {
                    if (buffer.remaining() < event.length + RecordWriter.OVERHEAD) {
                        drain(buffer, channel);
                    }
                    RecordWriter.frame(event, buffer);
                }
                drain(buffer, channel);
                channel.force(false);
            }
            framedBest = Math.max(framedBest, writerRecords / seconds(started));
            framedBytes = Files.size(framedFile);
            Path encodedFile = work.resolve("encoded-" + round);
            started = System.nanoTime();
            try (EventFileWriter writer = EventFileWriter.create(encodedFile, 1.7e9)) {
                for (int i = 0; i < writerRecords; i++) {
                    writer.writeScalar("loss/iteration", i, 1.0f / (i + 1), 1.7e9 + i);
                    if ((i & 0xFFFF) == 0xFFFF) {
                        writer.flush();
                    }
                }
            }
            encodedBest = Math.max(encodedBest, writerRecords / seconds(started));
            encodedBytes = Files.size(encodedFile);
            Files.delete(framedFile);
            Files.delete(encodedFile);
        }
        System.out.printf("%nrecord writer, %,d records, best of 3%n", writerRecords);
        System.out.printf("  TFRecord framing of a %d-byte event (length, CRCs), to a file: %,.0f records/s, %,.0f MB/s%n",
                event.length, framedBest, framedBest * framedBytes / writerRecords / 1e6);
        System.out.printf("  scalar event encoded and framed (EventFileWriter):            %,.0f records/s, %,.0f MB/s%n",
                encodedBest, encodedBest * encodedBytes / writerRecords / 1e6);
    }

    /** The bytes of one typical scalar event, as the sink writes them (read back from a file it wrote). */
    private byte[] sampleEvent() throws IOException {
        Path file = work.resolve("sample");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.7e9)) {
            writer.writeScalar("loss/iteration", 12_345, 0.6931472f, 1.7e9);
            writer.writeScalar("loss/iteration", 12_346, 0.6931472f, 1.7e9);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(channel);
            reader.next();
            reader.next();
            byte[] withoutMetadata = reader.next();
            Files.delete(file);
            return withoutMetadata;
        }
    }

    /** Fills training.metrics with {@code points} iteration losses, then times a replay of them into forced files. */
    private void endToEnd(String bootstrap) throws Exception {
        long filled = System.nanoTime();
        fill(KafkaSettings.plain(bootstrap), points, runs);
        System.out.printf("%nend to end, %,d scalar points (iteration-completed records) over %d runs × 4 workers, "
                + "produced beforehand in %.1f s%n", points, runs, seconds(filled));
        long started = System.nanoTime();
        long read = read(bootstrap, false);
        System.out.printf("  Kafka read only (one consumer, no parse, no files): %,.0f records/s%n", read / seconds(started));
        started = System.nanoTime();
        long parsed = read(bootstrap, true);
        System.out.printf("  Kafka read + JSON parse on one thread (no files):   %,.0f records/s%n", parsed / seconds(started));
        Replay replay = replay(KafkaSettings.plain(bootstrap), work.resolve("replay"), "sink-benchmark");
        System.out.printf("  whole sink, Kafka → forced event files:             %,.0f points/s (%,d records read, %,d points in the files, %.1f s)%n",
                replay.pointsPerSecond(), replay.records(), replay.points(), replay.seconds());
    }

    /** A replay of training.metrics by a whole sink: records read, points in the files, seconds taken. */
    record Replay(long records, long points, double seconds) {
        double pointsPerSecond() {
            return points / seconds;
        }
    }

    /** Replays everything on training.metrics into forced event files under {@code logDir}, as consumer group {@code groupId}. */
    static Replay replay(KafkaSettings kafka, Path logDir, String groupId) throws IOException {
        LogSink sink = LogSink.open(new LogSink.Settings(kafka, logDir, Duration.ofMillis(500),
                new FileRotation(64L << 20, Duration.ofHours(1)), groupId), true);
        long started = System.nanoTime();
        long records = sink.replay();
        double elapsed = seconds(started);
        return new Replay(records, countPoints(logDir), elapsed);
    }

    /** Produces {@code points} iteration losses to training.metrics, spread over {@code runs} runs of 4 workers. */
    static void fill(KafkaSettings kafka, int points, int runs) throws Exception {
        try (KafkaProducer<String, String> producer = kafka.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            Instant at = Instant.parse("2026-11-24T00:00:00Z");
            int streams = runs * 4;
            for (int i = 0; i < points; i++) {
                int stream = i % streams;
                String run = "bench-" + stream / 4;
                TrainingMetric metric = new IterationCompleted(run, "w" + stream % 4, 0, i / streams + 1, 1.0 / (i + 1),
                        at.plusMillis(i));
                producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, run, EventJson.write(metric)));
            }
            producer.flush();
        }
    }

    private long read(String bootstrap, boolean parse) {
        try (KafkaConsumer<String, String> consumer = KafkaSettings.plain(bootstrap).consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20))) {
            List<TopicPartition> partitions = TopicPartitions.assignAll(consumer, List.of(Topics.TRAINING_METRICS), Duration.ofSeconds(30));
            consumer.seekToBeginning(partitions);
            long[] parsed = {0};
            TopicPartitions.readToEnd(consumer, partitions, record -> {
                if (parse) {
                    EventJson.read(record.value(), TrainingMetric.class);
                }
                parsed[0]++;
            }, Duration.ofSeconds(30));
            return parsed[0];
        }
    }

    /** One point every 1/rate s; a reader polls the file every millisecond; produced → readable, per point. */
    private void latency(String bootstrap, long flushMs) throws Exception {
        Path logDir = work.resolve("latency-" + flushMs);
        String run = "latency-" + flushMs;
        LogSink sink = LogSink.open(new LogSink.Settings(KafkaSettings.plain(bootstrap), logDir, Duration.ofMillis(flushMs),
                new FileRotation(64L << 20, Duration.ofHours(1)), "sink-latency-" + flushMs), false);
        Thread sinkThread = new Thread(() -> {
            try {
                sink.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "sink");
        sinkThread.start();
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        int total = latencySeconds * latencyRate;
        FileTail tail = new FileTail(logDir.resolve(run).resolve("w0").resolve("iterations"));
        List<Double> millis = new ArrayList<>();
        try (KafkaProducer<String, String> producer = KafkaSettings.plain(bootstrap).producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            awaitCaughtUp(producer, run, tail);
            long start = System.nanoTime();
            long periodNanos = 1_000_000_000L / latencyRate;
            int sent = 0;
            while (millis.size() < total) {
                long now = System.nanoTime();
                if (sent < total && now - start >= sent * periodNanos) {
                    long step = sent + 2;
                    sentAt.put(step, now);
                    producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, run, EventJson.write(
                            new IterationCompleted(run, "w0", 0, step, 1.0 / step, Instant.now()))));
                    sent++;
                }
                for (long step : tail.newSteps()) {
                    millis.add((System.nanoTime() - sentAt.get(step)) / 1e6);
                }
                if (now - start > (latencySeconds + 30) * 1_000_000_000L) {
                    break;
                }
                Thread.sleep(0, 200_000);
            }
        }
        sink.shutdown();
        sinkThread.join();
        System.out.printf("%nlatency, produced → readable in the event file, --flush-ms %d, %d points/s for %d s: %s (%d of %d seen)%n",
                flushMs, latencyRate, latencySeconds, Percentiles.describe(millis), millis.size(), total);
    }

    /** Sends step 1 and waits until it is readable: the sink has then read everything before it. */
    private static void awaitCaughtUp(KafkaProducer<String, String> producer, String run, FileTail tail) throws Exception {
        producer.send(new ProducerRecord<>(Topics.TRAINING_METRICS, run, EventJson.write(
                new IterationCompleted(run, "w0", 0, 1, 1.0, Instant.now()))));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!tail.newSteps().contains(1L)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sink did not write the first point within 60 s");
            }
            Thread.sleep(5);
        }
    }

    /** Reads the records appended to a directory's event files since the last call. */
    private static final class FileTail {
        private final Path dir;
        private final Map<Path, Long> positions = new HashMap<>();

        FileTail(Path dir) {
            this.dir = dir;
        }

        List<Long> newSteps() throws IOException {
            List<Long> steps = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return steps;
            }
            List<Path> files;
            try (Stream<Path> listing = Files.list(dir)) {
                files = listing.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
            }
            for (Path file : files) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    RecordReader reader = new RecordReader(channel, positions.getOrDefault(file, 0L));
                    for (byte[] record = reader.next(); record != null; record = reader.next()) {
                        EventProtos.Written written = EventProtos.read(record);
                        if (written.tags().contains("loss/iteration")) {
                            steps.add(written.step());
                        }
                    }
                    positions.put(file, reader.position());
                }
            }
            return steps;
        }
    }

    private static long countPoints(Path logDir) throws IOException {
        long count = 0;
        try (Stream<Path> paths = Files.walk(logDir)) {
            for (Path file : paths.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    RecordReader reader = new RecordReader(channel);
                    for (byte[] record = reader.next(); record != null; record = reader.next()) {
                        count += EventProtos.read(record).tags().isEmpty() ? 0 : 1;
                    }
                }
            }
        }
        return count;
    }

    private static void drain(ByteBuffer buffer, FileChannel channel) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Deletes {@code dir} and everything in it; nothing if it is not there. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
