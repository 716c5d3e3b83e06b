package io.lrpipeline.trainer.checkpoint;

import io.lrpipeline.trainer.Checkpoints;
import io.lrpipeline.trainer.Progress;
import io.lrpipeline.trainer.TrainableModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A worker's checkpoints in one directory, {@code checkpoint-<sequence>.lrckpt}, the newest the highest sequence; the
 * newest {@code keep} are kept. Resuming ({@link Resume#AUTO}) takes the newest that is whole and intact: one that is
 * cut or damaged is passed over with one line, and the one before it is used. One that is intact but of another run,
 * worker, model or data order is refused ({@link Checkpoints.Refused}), never loaded. A temporary file left by a write
 * that was cut short is removed.
 */
public final class CheckpointStore implements Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.lrckpt");

    /** Which checkpoint a trainer resumes from: the newest valid one, none, or the one in a file. */
    public record Resume(Path file, boolean auto) {
        public static final Resume AUTO = new Resume(null, true);
        public static final Resume NEVER = new Resume(null, false);

        /** {@code auto}, {@code never}, or a checkpoint file's path. */
        public static Resume parse(String value) {
            return switch (value) {
                case "auto" -> AUTO;
                case "never" -> NEVER;
                default -> new Resume(Path.of(value), false);
            };
        }
    }

    /** Who a checkpoint must belong to for this trainer to resume from it. */
    public record Identity(String runId, String workerId, String modelShape, String dataOrder) {}

    private final Path dir;
    private final int keep;
    private final Identity identity;
    private final Resume resume;
    private final PrintStream log;
    private final Clock clock;
    private long lastSequence = -1;

    public CheckpointStore(Path dir, int keep, Identity identity, Resume resume, PrintStream log, Clock clock) {
        if (keep < 1) {
            throw new IllegalArgumentException("keeps at least 1 checkpoint, asked for " + keep);
        }
        this.dir = dir;
        this.keep = keep;
        this.identity = identity;
        this.resume = resume;
        this.log = log;
        this.clock = clock;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Optional<Progress> resume(TrainableModel model) {
        try {
            Files.createDirectories(dir);
            removeUnfinishedWrites();
            Optional<CheckpointFile.Verified> from = resume.file() != null ? Optional.of(readNamed(resume.file()))
                    : resume.auto() ? newestIntact() : Optional.empty();
            if (from.isEmpty()) {
                return Optional.empty();
            }
            CheckpointFile.Verified checkpoint = from.get();
            refuseIfNotOurs(checkpoint);
            try (InputStream in = checkpoint.openModel()) {
                model.readState(in);
            } catch (IllegalArgumentException e) {
                throw new Refused("checkpoint " + checkpoint.file() + " refused: " + e.getMessage());
            }
            return Optional.of(checkpoint.header().progress());
        } catch (IOException e) {
            throw new Refused("cannot read the checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(Progress progress, TrainableModel model) {
        CheckpointHeader header = new CheckpointHeader(CheckpointHeader.FORMAT, identity.runId(), identity.workerId(), identity.modelShape(),
                identity.dataOrder(), progress, clock.instant());
        Path file = dir;
        try {
            Files.createDirectories(dir);
            if (lastSequence < 0) {
                lastSequence = checkpoints().stream().mapToLong(CheckpointStore::sequence).max().orElse(0);
            }
            file = dir.resolve("checkpoint-%06d.lrckpt".formatted(++lastSequence));
            CheckpointFile.write(file, header, model::writeState);
            List<Path> all = checkpoints();
            for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /** The newest checkpoint that is whole and intact, saying which were passed over and why. */
    private Optional<CheckpointFile.Verified> newestIntact() throws IOException {
        List<Path> newestFirst = new ArrayList<>(checkpoints());
        Collections.reverse(newestFirst);
        for (Path file : newestFirst) {
            try {
                return Optional.of(CheckpointFile.read(file));
            } catch (CheckpointFile.Damaged e) {
                log.printf("%s | checkpoint %s skipped: %s%n", identity.workerId(), file.getFileName(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    private CheckpointFile.Verified readNamed(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new Refused("--resume " + file + ": no such checkpoint file");
        }
        try {
            return CheckpointFile.read(file);
        } catch (CheckpointFile.Damaged e) {
            throw new Refused("--resume " + file + ": not a checkpoint to resume from: " + e.getMessage());
        }
    }

    private void refuseIfNotOurs(CheckpointFile.Verified checkpoint) {
        CheckpointHeader header = checkpoint.header();
        String problem = header.format() != CheckpointHeader.FORMAT ? "it is of format " + header.format() + ", this trainer reads "
                + CheckpointHeader.FORMAT
                : !header.runId().equals(identity.runId()) ? "it is of run '" + header.runId() + "', this is run '" + identity.runId() + "'"
                : !header.workerId().equals(identity.workerId()) ? "it is worker '" + header.workerId() + "''s, this is '" + identity.workerId() + "'"
                : !header.modelShape().equals(identity.modelShape()) ? "it holds a model of " + header.modelShape() + ", this trainer's has "
                        + identity.modelShape()
                : !header.dataOrder().equals(identity.dataOrder()) ? "its steps count in " + header.dataOrder() + ", this trainer's in "
                        + identity.dataOrder()
                : null;
        if (problem != null) {
            throw new Refused("checkpoint " + checkpoint.file() + " refused: " + problem
                    + "; resume with its own settings, or start afresh with --resume never or another --checkpoint-dir");
        }
    }

    private void removeUnfinishedWrites() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".lrckpt.tmp")).toList()) {
                Files.delete(file);
                log.printf("%s | removed %s, a checkpoint whose writing was cut short%n", identity.workerId(), file.getFileName());
            }
        }
    }

    /** The checkpoints in the directory, oldest first. */
    private List<Path> checkpoints() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::sequence)).toList();
        }
    }

    private static long sequence(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
