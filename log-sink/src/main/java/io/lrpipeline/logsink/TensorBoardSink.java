package io.lrpipeline.logsink;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps the pipeline's events to TensorBoard scalars: one directory per run ({@code <logdir>/<runId>}) for
 * the scheduled rate, one sub-run per worker ({@code <logdir>/<runId>/<workerId>}) for what it did.
 * A (directory, tag, step) is written once: a redelivered or repeated event is skipped, the first value wins.
 */
public final class TensorBoardSink implements Closeable {
    /** The seed's tag: the learning rate the scheduler decided for the epoch (run level). */
    public static final String SCHEDULED_LR = "learning rate";
    public static final String SCHEDULE_VERSION = "lr/schedule_version";
    /** The learning rate a worker actually applied to its optimizer for the epoch. */
    public static final String APPLIED_LR = "lr/applied";
    public static final String EPOCH_LOSS = "loss";
    public static final String ITERATION_LOSS = "loss/iteration";
    public static final String ACCURACY = "accuracy";
    public static final String THROUGHPUT = "throughput/images_per_sec";

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private final Path logDir;
    private final String host;
    private final long pid;
    private final Map<Path, EventFileWriter> writers = new HashMap<>();
    private final Set<Point> written = new HashSet<>();
    private int filesCreated;

    private record Point(Path dir, String tag, long step) {}

    public TensorBoardSink(Path logDir, String host, long pid) {
        this.logDir = logDir;
        this.host = UNSAFE.matcher(host).replaceAll("_");
        this.pid = pid;
    }

    public void accept(LearningRateChanged event) {
        Path runDir = runDir(event.runId());
        write(runDir, SCHEDULED_LR, event.epoch(), event.learningRate(), event.issuedAt());
        write(runDir, SCHEDULE_VERSION, event.epoch(), event.scheduleVersion(), event.issuedAt());
    }

    public void accept(TrainingMetric metric) {
        Path workerDir = runDir(metric.runId()).resolve(safe(metric.workerId()));
        if (metric instanceof EpochStarted started) {
            write(workerDir, APPLIED_LR, started.epoch(), started.learningRate(), started.at());
        } else if (metric instanceof IterationCompleted iteration) {
            write(workerDir, ITERATION_LOSS, iteration.iteration(), iteration.loss(), iteration.at());
        } else if (metric instanceof EpochEnded ended) {
            write(workerDir, EPOCH_LOSS, ended.epoch(), ended.loss(), ended.at());
            write(workerDir, ACCURACY, ended.epoch(), ended.accuracy(), ended.at());
            write(workerDir, THROUGHPUT, ended.epoch(), ended.imagesPerSecond(), ended.at());
        }
    }

    /** Makes everything accepted so far durable and visible to TensorBoard. */
    public void flush() {
        try {
            for (EventFileWriter writer : writers.values()) {
                writer.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (EventFileWriter writer : writers.values()) {
            writer.close();
        }
        writers.clear();
    }

    private void write(Path dir, String tag, long step, double value, Instant at) {
        if (!Double.isFinite(value) || !written.add(new Point(dir, tag, step))) {
            return;
        }
        double wallTime = at.getEpochSecond() + at.getNano() / 1e9;
        writerFor(dir, wallTime).writeScalar(tag, step, value, wallTime);
    }

    private EventFileWriter writerFor(Path dir, double wallTime) {
        return writers.computeIfAbsent(dir, d -> {
            try {
                return EventFileWriter.create(d, wallTime, host, pid, filesCreated++);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Path runDir(String runId) {
        return logDir.resolve(safe(runId));
    }

    /** Ids become directory names: keep them to one harmless path segment. */
    static String safe(String id) {
        String safe = UNSAFE.matcher(id).replaceAll("_");
        return safe.chars().allMatch(c -> c == '.') ? safe.replace('.', '_') : safe;
    }
}
