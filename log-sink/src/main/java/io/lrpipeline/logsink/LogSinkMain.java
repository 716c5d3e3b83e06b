package io.lrpipeline.logsink;

import io.lrpipeline.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The log-sink service's command line. */
@Command(name = "log-sink", mixinStandardHelpOptions = true,
        description = "Writes the pipeline's learning-rate events, metrics, schedule changes and rejected commands as TensorBoard event files, each point exactly once.")
public final class LogSinkMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LogSinkMain.class);

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:KAFKA_CONFIG}", description = KafkaSettings.CONFIG_HELP)
    Optional<Path> kafkaConfig;

    @Option(names = "--logdir", defaultValue = "${env:LOGDIR:-runs}", description = "TensorBoard log directory (env LOGDIR).")
    Path logDir;

    @Option(names = "--flush-ms", defaultValue = "${env:FLUSH_MS:-500}",
            description = "Longest time a consumed point waits before the flush that makes it durable and visible begins (env FLUSH_MS; default ${DEFAULT-VALUE}).")
    long flushMs;

    @Option(names = "--rotate-mb", defaultValue = "${env:ROTATE_MB:-64}",
            description = "Start a new event file once the current one holds this many MiB (env ROTATE_MB; default ${DEFAULT-VALUE}).")
    long rotateMb;

    @Option(names = "--rotate-minutes", defaultValue = "${env:ROTATE_MINUTES:-60}",
            description = "Start a new event file once the current one is this old (env ROTATE_MINUTES; default ${DEFAULT-VALUE}).")
    long rotateMinutes;

    @Option(names = "--group-id", defaultValue = "${env:GROUP_ID:-log-sink}",
            description = "Kafka consumer group the sink reports its progress to (the checkpoint in the log directory is what it resumes from).")
    String groupId;

    @Option(names = "--replay", description = "Rebuild every run's files from the topics' history into an empty --logdir, then exit.")
    boolean replay;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogSinkMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        LogSink sink;
        try {
            LogSink.Settings settings = new LogSink.Settings(KafkaSettings.load(bootstrapServers, kafkaConfig, System.getenv()), logDir,
                    Duration.ofMillis(flushMs), new FileRotation(rotateMb * 1024 * 1024, Duration.ofMinutes(rotateMinutes)), groupId);
            sink = LogSink.open(settings, replay);
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("log-sink: " + e.getMessage());
            return 2;
        }
        if (replay) {
            long started = System.nanoTime();
            long records = sink.replay();
            LOG.warn("replayed {} records into {} in {} ms ({} points skipped as duplicates or late, {} invalid records)", records,
                    logDir.toAbsolutePath(), (System.nanoTime() - started) / 1_000_000, sink.skippedPoints(), sink.invalidRecords());
            return 0;
        }
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.shutdown();
            joinQuietly(main);
        }, "log-sink-shutdown"));
        LOG.warn("log-sink writing to {} from {}", logDir.toAbsolutePath(), bootstrapServers);
        sink.run();
        return 0;
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
