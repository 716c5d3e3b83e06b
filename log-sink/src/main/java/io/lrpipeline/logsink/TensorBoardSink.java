package io.lrpipeline.logsink;

import io.lrpipeline.events.CommandRejected;
import io.lrpipeline.events.Evaluation;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.RunState.ScheduleChange;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.IterationCompleted;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps the pipeline's events to TensorBoard summaries. One directory per run ({@code <logdir>/<runId>}) for the
 * scheduled rate, the schedule's changes, rejected commands and the run's hyper-parameters; one sub-run per worker
 * ({@code <runId>/<workerId>}) for what it did each epoch, and one below it ({@code <workerId>/iterations}) for
 * its per-iteration loss, which counts steps in iterations rather than epochs. The tags are in the README.
 */
public final class TensorBoardSink implements Closeable {
    /** The seed's tag: the learning rate the scheduler decided for the epoch (run level). */
    public static final String SCHEDULED_LR = "learning rate";
    public static final String SCHEDULE_VERSION = "lr/schedule_version";
    public static final String SCHEDULE_CHANGES = "schedule/changes";
    public static final String REJECTED_COMMANDS = "commands/rejected";
    /** The learning rate a worker actually applied to its optimizer for the epoch. */
    public static final String APPLIED_LR = "lr/applied";
    public static final String APPLIED_VERSION = "lr/applied_schedule_version";
    /** The epoch's mean training loss. */
    public static final String EPOCH_LOSS = "loss";
    /** Scores on the validation split after each epoch (step: the epoch) and on the test split at the end (step: epochs trained). */
    public static final String VALIDATION = "validation";
    public static final String TEST = "test";
    public static final String THROUGHPUT = "throughput/images_per_sec";
    public static final String ITERATION_LOSS = "loss/iteration";
    /** The sub-run of a worker's per-iteration series. */
    public static final String ITERATIONS = "iterations";

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    /** Rejected payloads longer than this are cut in the text summary (the topic keeps them whole). */
    private static final int SHOWN_PAYLOAD_CHARS = 2000;

    private final Path logDir;
    private final String host;
    private final FileRotation rotation;
    private final Clock clock;
    private final Map<Path, RunDirectory> directories = new HashMap<>();
    private final Map<String, RunDirectory> runs = new HashMap<>();
    private final Map<String, Map<String, WorkerDirectories>> workers = new HashMap<>();
    private long skipped;

    /** A worker's two sub-runs: per epoch, and per iteration. */
    private record WorkerDirectories(RunDirectory epochs, RunDirectory iterations) {}

    public TensorBoardSink(Path logDir, String host, FileRotation rotation, Clock clock) {
        this.logDir = logDir;
        this.host = safe(host);
        this.rotation = rotation;
        this.clock = clock;
    }

    public void accept(LearningRateChanged event) throws IOException {
        RunDirectory run = run(event.runId());
        double at = seconds(event.issuedAt());
        count(run.scalar(SCHEDULED_LR, event.epoch(), event.learningRate(), at));
        count(run.scalar(SCHEDULE_VERSION, event.epoch(), event.scheduleVersion(), at));
    }

    public void accept(TrainingMetric metric) throws IOException {
        WorkerDirectories worker = worker(metric.runId(), metric.workerId());
        double at = seconds(metric.at());
        if (metric instanceof IterationCompleted iteration) {
            count(worker.iterations().scalar(ITERATION_LOSS, iteration.iteration(), iteration.loss(), at));
        } else if (metric instanceof WorkerJoined joined) {
            run(joined.runId()).hparams(joined.runId(), joined.hyperParameters(), at);
            count(worker.epochs().sessionStart(joined.startEpoch(), at));
            // startIteration counts the iterations done: the first new point is the one after it.
            count(worker.iterations().sessionStart(joined.startIteration() + 1, at));
        } else if (metric instanceof EpochStarted started) {
            count(worker.epochs().scalar(APPLIED_LR, started.epoch(), started.learningRate(), at));
            count(worker.epochs().scalar(APPLIED_VERSION, started.epoch(), started.scheduleVersion(), at));
        } else if (metric instanceof EpochEnded ended) {
            count(worker.epochs().scalar(EPOCH_LOSS, ended.epoch(), ended.loss(), at));
            if (ended.validation() != null) {
                evaluation(worker.epochs(), VALIDATION, ended.epoch(), ended.validation(), at);
            }
            count(worker.epochs().scalar(THROUGHPUT, ended.epoch(), ended.imagesPerSecond(), at));
        } else if (metric instanceof WorkerFinished finished && finished.test() != null) {
            evaluation(worker.epochs(), TEST, finished.epochs(), finished.test(), at);
        }
    }

    /** {@code split/loss}, {@code split/accuracy} and, where there are more than 5 classes, {@code split/top5_accuracy}. */
    private void evaluation(RunDirectory dir, String split, long step, Evaluation evaluation, double at) throws IOException {
        count(dir.scalar(split + "/loss", step, evaluation.loss(), at));
        count(dir.scalar(split + "/accuracy", step, evaluation.accuracy(), at));
        if (evaluation.top5Accuracy() != null) {
            count(dir.scalar(split + "/top5_accuracy", step, evaluation.top5Accuracy(), at));
        }
    }

    /** Each accepted change in the run's history, once, as text at its schedule version. */
    public void accept(RunState state) throws IOException {
        RunDirectory run = run(state.runId());
        for (ScheduleChange change : state.history()) {
            if (!change.type().equals("notice")) {
                run.text(SCHEDULE_CHANGES, change.scheduleVersion(), () -> describe(change), seconds(change.at()));
            }
        }
    }

    /**
     * A rejected command as text, at its offset in {@code lr.commands.rejected}: in its run's directory, or, when
     * the command named no run the scheduler knows (or was too broken to name one), in the log directory itself under
     * a tag per partition: a command for an unknown run creates no directory.
     */
    public void accept(CommandRejected rejected, int partition, long offset) throws IOException {
        RunDirectory dir = rejected.runKnown() ? run(rejected.runId()) : directory(logDir);
        String tag = rejected.runKnown() ? REJECTED_COMMANDS : REJECTED_COMMANDS + "/partition-" + partition;
        count(dir.text(tag, offset, () -> describe(rejected), seconds(rejected.rejectedAt())));
    }

    /** Points skipped so far as duplicates or late (at or below the newest step of their tag). */
    public long skipped() {
        return skipped;
    }

    /** The newest file and length of every directory this sink has written to, once flushed. */
    public Map<String, RunDirectory.Position> positionsToFlush() {
        Map<String, RunDirectory.Position> positions = new HashMap<>();
        for (RunDirectory dir : directories.values()) {
            RunDirectory.Position position = dir.position();
            if (position != null) {
                positions.put(relative(dir.path()), position);
            }
        }
        return positions;
    }

    /** Makes everything accepted so far durable and visible to TensorBoard; rotates files that are old enough. */
    public void flush() throws IOException {
        for (RunDirectory dir : directories.values()) {
            dir.flush();
        }
    }

    @Override
    public void close() throws IOException {
        for (RunDirectory dir : directories.values()) {
            dir.close();
        }
        directories.clear();
        runs.clear();
        workers.clear();
    }

    /** A run's directory; looked up by id, as every event names its run (no path built per event). */
    private RunDirectory run(String runId) throws IOException {
        RunDirectory run = runs.get(runId);
        if (run == null) {
            run = directory(runDir(runId));
            runs.put(runId, run);
        }
        return run;
    }

    private WorkerDirectories worker(String runId, String workerId) throws IOException {
        Map<String, WorkerDirectories> ofRun = workers.computeIfAbsent(runId, id -> new HashMap<>());
        WorkerDirectories worker = ofRun.get(workerId);
        if (worker == null) {
            Path dir = runDir(runId).resolve(workerId);
            worker = new WorkerDirectories(directory(dir), directory(dir.resolve(ITERATIONS)));
            ofRun.put(workerId, worker);
        }
        return worker;
    }

    private RunDirectory directory(Path dir) throws IOException {
        RunDirectory directory = directories.get(dir);
        if (directory == null) {
            directory = RunDirectory.open(dir, host, rotation, clock);
            directories.put(dir, directory);
        }
        return directory;
    }

    private void count(boolean wrote) {
        if (!wrote) {
            skipped++;
        }
    }

    private String relative(Path dir) {
        return logDir.relativize(dir).toString();
    }

    /** A run id is a directory name as it is: the contract refuses any other ({@link io.lrpipeline.events.RunIds}). */
    private Path runDir(String runId) {
        return logDir.resolve(runId);
    }

    private static String describe(ScheduleChange change) {
        String from = change.requestedFromEpoch() == null || change.requestedFromEpoch() == change.effectiveFromEpoch()
                ? "from epoch " + change.effectiveFromEpoch()
                : "from epoch " + change.effectiveFromEpoch() + " (asked for " + change.requestedFromEpoch() + ")";
        String why = change.why() == null || change.why().isBlank() ? "" : "\n\n> " + change.why();
        return "**v%d · %s** by %s, %s: %s%s".formatted(change.scheduleVersion(), change.type(), change.by(), from,
                change.summary(), why);
    }

    private static String describe(CommandRejected rejected) {
        String payload = rejected.payload().length() > SHOWN_PAYLOAD_CHARS
                ? rejected.payload().substring(0, SHOWN_PAYLOAD_CHARS) + " …"
                : rejected.payload();
        String size = rejected.payloadChars() > rejected.payload().length() ? " (" + rejected.payloadChars() + " characters)" : "";
        return "**rejected** `%s`: %s\n\n    %s%s".formatted(rejected.commandId() == null ? "?" : rejected.commandId(),
                rejected.reason(), payload.replace("\n", "\n    "), size);
    }

    private static double seconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }

    /** The host name ends every file name: keep it to characters a file name holds anywhere. */
    static String safe(String host) {
        return UNSAFE.matcher(host).replaceAll("_");
    }
}
