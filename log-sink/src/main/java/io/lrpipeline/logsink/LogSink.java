package io.lrpipeline.logsink;

import io.lrpipeline.kafka.KafkaSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log-sink assembled: checks the log directory, recovers it to its checkpoint, and consumes. {@link #run()}
 * follows the topics until {@link #shutdown()}; {@link #replay()} rebuilds an empty directory from the topics'
 * history and returns.
 */
public final class LogSink {
    private static final Logger LOG = LoggerFactory.getLogger(LogSink.class);

    /** Where to read and write, how soon points must be visible, when files rotate. */
    public record Settings(KafkaSettings kafka, Path logDir, Duration flushAfter, FileRotation rotation, String groupId) {}

    private final TensorBoardSink sink;
    private final SinkLoop loop;

    private LogSink(TensorBoardSink sink, SinkLoop loop) {
        this.sink = sink;
        this.loop = loop;
    }

    /**
     * Opens the sink on {@code settings.logDir()}, first cutting back what a crash left after the checkpoint.
     * @throws IllegalStateException with the reason, when the directory is not one the sink may write to
     */
    public static LogSink open(Settings settings, boolean forReplay) throws IOException {
        Path logs = settings.logDir().toAbsolutePath().normalize();
        CheckpointStore store = new CheckpointStore(logs);
        List<Path> directories = LogDirRecovery.directoriesWithFiles(logs);
        boolean hasFiles = !directories.isEmpty();
        if (forReplay && (hasFiles || store.exists())) {
            throw new IllegalStateException("a replay writes into an empty log directory; " + logs + " already holds the sink's files");
        }
        if (hasFiles && !store.exists()) {
            throw new IllegalStateException(logs + " holds event files but no checkpoint (.log-sink/checkpoint.json), so the sink "
                    + "cannot tell which points they hold; move them away, or give another log directory");
        }
        SinkCheckpoint checkpoint = store.recover();
        for (String change : LogDirRecovery.apply(logs, directories, checkpoint)) {
            LOG.warn("recovery: {}", change);
        }
        TensorBoardSink sink = new TensorBoardSink(logs, hostName(), settings.rotation(), Clock.systemUTC());
        String group = forReplay ? settings.groupId() + "-replay" : settings.groupId();
        KafkaConsumer<String, String> consumer = settings.kafka().consumer(consumerConfig(group));
        return new LogSink(sink, new SinkLoop(consumer, sink, store, checkpoint, settings.flushAfter()));
    }

    /** Follows the topics until {@link #shutdown()}; what was consumed is durable when it returns. */
    public void run() throws IOException {
        loop.run();
    }

    /** Consumes what the topics hold now into the directory, then returns the number of records read. */
    public long replay() throws IOException {
        return loop.replay();
    }

    /** Stops {@link #run()} from another thread. */
    public void shutdown() {
        loop.shutdown();
    }

    /** Points not written because their tag already had that step or a later one (duplicates, late events). */
    public long skippedPoints() {
        return sink.skipped();
    }

    public long invalidRecords() {
        return loop.invalidRecords();
    }

    private static Map<String, Object> consumerConfig(String groupId) {
        return Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
