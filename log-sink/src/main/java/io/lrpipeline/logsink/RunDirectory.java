package io.lrpipeline.logsink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TensorBoard run directory: the file being written, its rotation, and what the directory already holds,
 * so that each (tag, step) is written once per session. Within a session a tag's steps only grow: a point at or
 * below the newest step written for its tag is a duplicate or late, and is skipped. A session start at step T
 * lets steps from T on be written again, as TensorBoard will have dropped the old ones.
 */
final class RunDirectory implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    /** Where the directory's newest file ends: what a checkpoint records. */
    record Position(String file, long length) {}

    private record SessionStart(long step, double wallTime) {}

    private final Path dir;
    private final String host;
    private final FileRotation rotation;
    private final Clock clock;
    private final Map<String, Long> newestStep = new HashMap<>();
    private final Set<SessionStart> sessionStarts = new HashSet<>();
    private EventFileNames lastName = EventFileNames.NONE;
    private Position lastPosition;
    private EventFileWriter current;
    private long currentOpenedMillis;
    private boolean createdSinceFlush;

    private RunDirectory(Path dir, String host, FileRotation rotation, Clock clock) {
        this.dir = dir;
        this.host = host;
        this.rotation = rotation;
        this.clock = clock;
    }

    /**
     * Opens {@code dir}, reading what the sink's files in it already hold; new points go to a new file. Says so, once,
     * when earlier files hold {@code DT_DOUBLE} scalars, which a default TensorBoard does not show.
     */
    static RunDirectory open(Path dir, String host, FileRotation rotation, Clock clock) throws IOException {
        RunDirectory directory = new RunDirectory(dir, host, rotation, clock);
        int doubleScalars = 0;
        for (Path file : EventFileNames.in(dir)) {
            doubleScalars += directory.remember(file);
        }
        if (doubleScalars > 0) {
            LOG.warn("{}: {} scalar points were written as DT_DOUBLE by an earlier log-sink; TensorBoard's default loader "
                    + "does not show them (tensorboard --load_fast=false does). New points are DT_FLOAT. To see the whole "
                    + "history in a default TensorBoard, rebuild it into a fresh log directory with --replay.", dir, doubleScalars);
        }
        return directory;
    }

    Path path() {
        return dir;
    }

    /** A point at {@code (float) value}, what TensorBoard stores and draws; a value that is not finite as a float is skipped. */
    boolean scalar(String tag, long step, double value, double wallTime) throws IOException {
        float shown = (float) value;
        if (!Float.isFinite(shown) || !isNew(tag, step)) {
            return false;
        }
        file(wallTime).writeScalar(tag, step, shown, wallTime);
        return true;
    }

    /** Text at {@code step}; {@code markdown} is only made for a step the tag does not hold yet. */
    boolean text(String tag, long step, Supplier<String> markdown, double wallTime) throws IOException {
        if (!isNew(tag, step)) {
            return false;
        }
        file(wallTime).writeText(tag, step, markdown.get(), wallTime);
        return true;
    }

    boolean hparams(String groupName, Map<String, Object> hyperParameters, double wallTime) throws IOException {
        if (!isNew(EventProtos.HPARAMS_TAG, 0)) {
            return false;
        }
        file(wallTime).writeHParams(groupName, hyperParameters, wallTime);
        return true;
    }

    /** A new session from {@code step}; the same start seen again (a redelivered join) writes nothing. */
    boolean sessionStart(long step, double wallTime) throws IOException {
        if (!sessionStarts.add(new SessionStart(step, wallTime))) {
            return false;
        }
        file(wallTime).writeSessionStart(step, wallTime);
        restartFrom(step);
        return true;
    }

    /** Writes what is buffered to disk, with the names of new files; closes the file if it is due for rotation. */
    void flush() throws IOException {
        if (current == null) {
            return;
        }
        current.flush();
        if (createdSinceFlush) {
            LogDirRecovery.forceDirectory(dir);
            createdSinceFlush = false;
        }
        if (clock.millis() - currentOpenedMillis >= rotation.maxAge().toMillis()) {
            closeCurrent();
        }
    }

    /** The newest file and its length once buffered records are flushed; null before the first file. */
    Position position() {
        return current != null ? positionOf(current) : lastPosition;
    }

    @Override
    public void close() throws IOException {
        closeCurrent();
    }

    /** A session starting at {@code step}: TensorBoard drops the points from it on, so they may be written again. */
    private void restartFrom(long step) {
        newestStep.replaceAll((tag, newest) -> Math.min(newest, step - 1));
    }

    private static Position positionOf(EventFileWriter file) {
        return new Position(file.path().getFileName().toString(), file.length());
    }

    private boolean isNew(String tag, long step) {
        Long newest = newestStep.get(tag);
        if (newest != null && step <= newest) {
            return false;
        }
        newestStep.put(tag, step);
        return true;
    }

    private EventFileWriter file(double wallTime) throws IOException {
        if (current != null && current.length() >= rotation.maxBytes()) {
            closeCurrent();
        }
        if (current == null) {
            lastName = lastName.next(clock.millis() / 1000);
            current = EventFileWriter.create(dir.resolve(lastName.fileName(host)), wallTime);
            currentOpenedMillis = clock.millis();
            createdSinceFlush = true;
        }
        return current;
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            current.close();
            lastPosition = positionOf(current);
            current = null;
        }
    }

    /** Replays one existing file into the directory's memory, in the order TensorBoard reads it; returns its DT_DOUBLE scalars. */
    private int remember(Path file) throws IOException {
        int doubleScalars = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(channel);
            for (byte[] record = reader.next(); record != null; record = reader.next()) {
                EventProtos.Written written = EventProtos.read(record);
                doubleScalars += written.doubleScalars();
                if (written.sessionStart()) {
                    sessionStarts.add(new SessionStart(written.step(), written.wallTime()));
                    restartFrom(written.step());
                }
                for (String tag : written.tags()) {
                    newestStep.merge(tag, written.step(), Math::max);
                }
            }
            lastPosition = new Position(file.getFileName().toString(), reader.position());
        }
        lastName = EventFileNames.of(file);
        return doubleScalars;
    }
}
