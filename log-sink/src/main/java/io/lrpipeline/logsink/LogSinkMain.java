package io.lrpipeline.logsink;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.Topics;
import io.lrpipeline.events.TrainingMetric;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The log-sink service: {@code lr.events} and {@code training.metrics} in, TensorBoard event files out. */
@Command(name = "log-sink", mixinStandardHelpOptions = true,
        description = "Writes the pipeline's learning-rate events and training metrics as TensorBoard event files.")
public final class LogSinkMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LogSinkMain.class);

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--logdir", defaultValue = "${env:LOGDIR:-runs}", description = "TensorBoard log directory (env LOGDIR).")
    Path logDir;

    @Option(names = "--flush-ms", defaultValue = "${env:FLUSH_MS:-1000}",
            description = "Longest time a consumed point waits before it is on disk (env FLUSH_MS).")
    long flushMs;

    @Option(names = "--group-id", defaultValue = "${env:GROUP_ID:-log-sink}", description = "Kafka consumer group.")
    String groupId;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogSinkMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TensorBoardSink sink = new TensorBoardSink(logDir.toAbsolutePath(), hostName(), ProcessHandle.current().pid());
        StreamConsumer consumer = new StreamConsumer(consumerConfig(), sink, Duration.ofMillis(flushMs));
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.shutdown();
            joinQuietly(main);
        }, "log-sink-shutdown"));
        LOG.warn("log-sink writing to {} from {}", logDir.toAbsolutePath(), bootstrapServers);
        consumer.run();
        return 0;
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The consumer loop, after the Kafka consumer Javadoc's runner: polls until {@link #shutdown()}, flushes the
     * sink at least every {@code flushInterval}, and commits offsets only after what they cover is on disk.
     */
    static final class StreamConsumer implements Runnable {
        private final KafkaConsumer<String, String> consumer;
        private final TensorBoardSink sink;
        private final Duration flushInterval;
        private volatile boolean closed;

        StreamConsumer(Map<String, Object> config, TensorBoardSink sink, Duration flushInterval) {
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
            this.sink = sink;
            this.flushInterval = flushInterval;
        }

        @Override
        public void run() {
            try (sink) {
                consumer.subscribe(List.of(Topics.LR_EVENTS, Topics.TRAINING_METRICS));
                long nextFlush = System.nanoTime() + flushInterval.toNanos();
                boolean dirty = false;
                while (!closed) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        dispatch(record);
                        dirty = true;
                    }
                    if (dirty && System.nanoTime() >= nextFlush) {
                        sink.flush();
                        consumer.commitSync();
                        dirty = false;
                        nextFlush = System.nanoTime() + flushInterval.toNanos();
                    }
                }
            } catch (WakeupException e) {
                if (!closed) {
                    throw e;
                }
            } catch (Exception e) {
                LOG.error("log-sink stopped", e);
            } finally {
                consumer.close();
            }
        }

        /** Stops the loop from another thread; safe to call twice. What was consumed is flushed by closing the sink. */
        void shutdown() {
            closed = true;
            consumer.wakeup();
        }

        private void dispatch(ConsumerRecord<String, String> record) {
            try {
                if (record.topic().equals(Topics.LR_EVENTS)) {
                    sink.accept(EventJson.read(record.value(), LearningRateChanged.class));
                } else {
                    sink.accept(EventJson.read(record.value(), TrainingMetric.class));
                }
            } catch (InvalidEventException e) {
                LOG.warn("skipping invalid record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
    }
}
