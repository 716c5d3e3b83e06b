package io.lrpipeline.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.trainer.Checkpoints;
import io.lrpipeline.trainer.Progress;
import io.lrpipeline.trainer.RateDecision;
import io.lrpipeline.trainer.RecordingModel;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
    private static final CheckpointStore.Identity OURS = new CheckpointStore.Identity("run-1", "worker-0", "a recording model",
            "batches of 4, 1 replicas, 8 images per epoch, seed 42");
    private static final Progress MID_EPOCH = new Progress(2, 1, 5, 4, new RateDecision(0.0423, 3, RateSource.SCHEDULER, "e2"),
            List.of(new Progress.ReplicaSoFar(1, 4, 2.5, 0.0423)), new EpochResult(1, 4, 0.625, Double.NaN, 1.5, Double.NaN));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void resumesTheModelAndProgressItSaved() {
        RecordingModel trained = trainedFor(5);
        store(3).save(MID_EPOCH, trained);

        RecordingModel fresh = new RecordingModel(1);
        Progress resumed = store(3).resume(fresh).orElseThrow();

        assertThat(resumed).isEqualTo(MID_EPOCH);
        assertThat(fresh.iterations()).isEqualTo(5);
        assertThat(fresh.calls).containsExactly("restored at 5");
    }

    @Test
    void aFileCutAtAnyByteOrChangedAnywhereIsNoCheckpoint() throws Exception {
        Path file = dir.resolve("checkpoint-000001.lrckpt");
        CheckpointFile.write(file, header("run-1"), new RecordingModel(1)::writeState);
        byte[] whole = Files.readAllBytes(file);
        assertThat(CheckpointFile.read(file).header().progress()).isEqualTo(MID_EPOCH);

        Path damaged = dir.resolve("damaged");
        for (int length = 0; length < whole.length; length++) {
            Files.write(damaged, Arrays.copyOf(whole, length));
            int cut = length;
            assertThatThrownBy(() -> CheckpointFile.read(damaged)).as("cut at byte %d of %d", cut, whole.length)
                    .isInstanceOf(CheckpointFile.Damaged.class);
        }
        for (int at = 0; at < whole.length; at++) {
            byte[] changed = whole.clone();
            changed[at] ^= 0x10;
            Files.write(damaged, changed);
            int position = at;
            assertThatThrownBy(() -> CheckpointFile.read(damaged)).as("byte %d changed", position).isInstanceOf(CheckpointFile.Damaged.class);
        }
    }

    @Test
    void aTornNewestCheckpointIsSkippedWithOneLineAndTheOneBeforeIsUsed() throws Exception {
        store(3).save(MID_EPOCH, trainedFor(5));
        Progress later = new Progress(3, 0, 8, 8, MID_EPOCH.rate(), List.of(), EpochResult.NONE);
        store(3).save(later, trainedFor(8));
        Path newest = dir.resolve("checkpoint-000002.lrckpt");
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length / 2));

        RecordingModel fresh = new RecordingModel(1);
        assertThat(store(3).resume(fresh)).contains(MID_EPOCH);

        assertThat(fresh.iterations()).isEqualTo(5);
        assertThat(log.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("worker-0 | checkpoint checkpoint-000002.lrckpt skipped: it ends after " + bytes.length / 2 + " bytes")
                .endsWith("cut off while written?");
    }

    @Test
    void aCheckpointOfAnotherRunWorkerModelOrDataOrderIsRefusedAndNothingIsLoaded() {
        new CheckpointStore(dir, 3, new CheckpointStore.Identity("run-2", "worker-0", OURS.modelShape(), OURS.dataOrder()),
                CheckpointStore.Resume.AUTO, new PrintStream(log), CLOCK).save(MID_EPOCH, trainedFor(5));
        assertRefused(OURS, "it is of run 'run-2', this is run 'run-1'");

        assertRefused(new CheckpointStore.Identity("run-2", "worker-1", OURS.modelShape(), OURS.dataOrder()),
                "it is worker 'worker-0''s, this is 'worker-1'");
        assertRefused(new CheckpointStore.Identity("run-2", "worker-0", "a larger model", OURS.dataOrder()),
                "it holds a model of a recording model, this trainer's has a larger model");
        assertRefused(new CheckpointStore.Identity("run-2", "worker-0", OURS.modelShape(), "batches of 8"),
                "its steps count in " + OURS.dataOrder() + ", this trainer's in batches of 8");
    }

    private void assertRefused(CheckpointStore.Identity identity, String reason) {
        RecordingModel fresh = new RecordingModel(1);
        assertThatThrownBy(() -> new CheckpointStore(dir, 3, identity, CheckpointStore.Resume.AUTO, new PrintStream(log), CLOCK).resume(fresh))
                .isInstanceOf(Checkpoints.Refused.class).hasMessageContaining(reason).hasMessageContaining("--resume never");
        assertThat(fresh.calls).isEmpty();
    }

    @Test
    void keepsTheNewestAndGoesOnNumberingAfterThemWhenNotResuming() throws IOException {
        for (int i = 0; i < 5; i++) {
            store(2).save(MID_EPOCH, trainedFor(i));
        }
        assertThat(names()).containsExactly("checkpoint-000004.lrckpt", "checkpoint-000005.lrckpt");

        CheckpointStore afresh = new CheckpointStore(dir, 2, OURS, CheckpointStore.Resume.NEVER, new PrintStream(log), CLOCK);
        assertThat(afresh.resume(new RecordingModel(1))).isEmpty();
        afresh.save(MID_EPOCH, trainedFor(1));
        assertThat(names()).containsExactly("checkpoint-000005.lrckpt", "checkpoint-000006.lrckpt");
        assertThat(store(2).resume(new RecordingModel(1)).orElseThrow().iteration()).isEqualTo(5);
    }

    @Test
    void aWriteCutShortLeavesATemporaryFileThatIsRemovedAndNeverRead() throws IOException {
        store(3).save(MID_EPOCH, trainedFor(5));
        Files.write(dir.resolve("checkpoint-000002.lrckpt.tmp"), new byte[] {1, 2, 3});

        assertThat(store(3).resume(new RecordingModel(1))).contains(MID_EPOCH);
        assertThat(names()).containsExactly("checkpoint-000001.lrckpt");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("removed checkpoint-000002.lrckpt.tmp, a checkpoint whose writing was cut short");
    }

    @Test
    void anExplicitCheckpointThatIsDamagedIsRefusedNotReplaced() throws IOException {
        store(3).save(MID_EPOCH, trainedFor(5));
        Path file = dir.resolve("checkpoint-000001.lrckpt");
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 10));

        CheckpointStore named = new CheckpointStore(dir, 3, OURS, CheckpointStore.Resume.parse(file.toString()), new PrintStream(log), CLOCK);
        assertThatThrownBy(() -> named.resume(new RecordingModel(1))).isInstanceOf(Checkpoints.Refused.class)
                .hasMessage("--resume " + file + ": not a checkpoint to resume from: it is 10 bytes long, shorter than any checkpoint: cut off while written?");
    }

    private CheckpointStore store(int keep) {
        return new CheckpointStore(dir, keep, OURS, CheckpointStore.Resume.AUTO, new PrintStream(log, true, StandardCharsets.UTF_8), CLOCK);
    }

    private static CheckpointHeader header(String runId) {
        return new CheckpointHeader(CheckpointHeader.FORMAT, runId, OURS.workerId(), OURS.modelShape(), OURS.dataOrder(), MID_EPOCH, CLOCK.instant());
    }

    private static RecordingModel trainedFor(int steps) {
        RecordingModel model = new RecordingModel(1);
        for (int i = 0; i < steps; i++) {
            model.train(0, 0, 1, EpochListener.SILENT);
        }
        return model;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
