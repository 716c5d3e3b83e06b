package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.trainer.Progress;
import io.lrpipeline.trainer.RateDecision;
import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.checkpoint.CheckpointStore;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.BandedImages;
import io.lrpipeline.trainer.data.IdxImageData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DL4J's training on the CPU, checked for what checkpoints rely on: a tiny Inception-v4 (dropout included) trained
 * on IDX images twice from the same seed ends bit for bit the same, alone and as two ParallelWrapper replicas (whose steps are
 * seeded, {@link StepSeeds}); and a model checkpointed in the middle of an epoch, resumed into a fresh one and trained
 * on from the next step ends bit for bit as the model trained without the break.
 */
class ResumedTrainingTest {
    private static final int EPOCHS = 2;

    @TempDir
    static Path images;

    @TempDir
    static Path checkpoints;

    @BeforeAll
    static void writeImages() throws Exception {
        BandedImages.fashionMnistShaped(images);
    }

    @ParameterizedTest(name = "{0} replica(s)")
    @ValueSource(ints = {1, 2})
    void trainingIsTheSameComputationUninterruptedTwiceAndResumedMidEpoch(int replicas) throws Exception {
        float[][] first = uninterrupted(replicas);
        float[][] second = uninterrupted(replicas);
        float[][] resumed = resumedAfter(replicas, 1, 2);

        assertThat(differing(second, first)).as("values differing, same seed").isZero();
        assertThat(differing(resumed, first)).as("values differing, resumed at epoch 2 after step 2").isZero();
    }

    /** Parameters and optimizer state values of {@code a} whose bits differ from {@code b}'s. */
    private static int differing(float[][] a, float[][] b) {
        assertThat(a[0]).hasSameSizeAs(b[0]);
        assertThat(a[1]).hasSameSizeAs(b[1]);
        int count = 0;
        for (int part = 0; part < 2; part++) {
            for (int i = 0; i < a[part].length; i++) {
                count += Float.floatToRawIntBits(a[part][i]) == Float.floatToRawIntBits(b[part][i]) ? 0 : 1;
            }
        }
        return count;
    }

    private static float[][] uninterrupted(int replicas) throws Exception {
        try (Engine engine = Engine.threads(replicas, 8)) {
            Dl4jModel model = model(engine);
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                model.trainEpoch(epoch, EpochListener.SILENT);
            }
            return state(model);
        }
    }

    /** Trains up to step {@code step} of epoch {@code epoch}, checkpoints, resumes into a new model and trains the rest. */
    private static float[][] resumedAfter(int replicas, int epoch, int step) throws Exception {
        Path dir = Files.createTempDirectory(checkpoints, "replicas-" + replicas);
        try (Engine engine = Engine.threads(replicas, 8)) {
            Dl4jModel model = model(engine);
            for (int e = 0; e < epoch; e++) {
                model.trainEpoch(e, EpochListener.SILENT);
            }
            model.train(epoch, 0, step, EpochListener.SILENT);
            store(dir, model).save(new Progress(epoch, step, model.iterations(), 0, new RateDecision(0.01, 1, RateSource.SCHEDULER, "e"),
                    List.of(), EpochResult.NONE), model);
        }
        try (Engine engine = Engine.threads(replicas, 8)) {
            Dl4jModel model = model(engine);
            assertThat(store(dir, model).resume(model).orElseThrow().stepsDone()).isEqualTo(step);
            model.train(epoch, step, model.stepsInEpoch(epoch), EpochListener.SILENT);
            model.endEpoch(epoch);
            for (int e = epoch + 1; e < EPOCHS; e++) {
                model.trainEpoch(e, EpochListener.SILENT);
            }
            return state(model);
        }
    }

    private static CheckpointStore store(Path dir, Dl4jModel model) {
        return new CheckpointStore(dir, 1, new CheckpointStore.Identity("run", "worker", model.shape(), "test"), CheckpointStore.Resume.AUTO,
                System.out, Clock.systemUTC());
    }

    private static Dl4jModel model(Engine engine) throws Exception {
        IdxImageData data = IdxImageData.open(images, new DataSettings(0, 1, 75, 8, 1.0 / 8, 0, 64, 8, 8, 42, 43));
        return Dl4jModel.inceptionV4(data, 0.0625, InceptionV4.Regularization.TF_SLIM, new TfRmsProp(0.01), new Dl4jModel.Loop(2, 2), engine, 42);
    }

    private static float[][] state(Dl4jModel model) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.writeState(out);
        ComputationGraph graph = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(out.toByteArray()), true);
        return new float[][] {graph.params().toFloatVector(), graph.getUpdater().getStateViewArray().toFloatVector()};
    }
}
