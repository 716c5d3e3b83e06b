package io.lrpipeline.trainer.checkpoint;

import io.lrpipeline.trainer.Progress;
import java.time.Instant;

/**
 * What a checkpoint says of itself: whose it is (run and worker), what model it holds ({@code modelShape}, see
 * {@link io.lrpipeline.trainer.TrainableModel#shape}), the data order its steps count in (batch size, replicas, images
 * per epoch, seed: a resumed run must cut its epochs the same way), where training stood, and when it was saved.
 */
public record CheckpointHeader(int format, String runId, String workerId, String modelShape, String dataOrder, Progress progress,
        Instant savedAt) {
    public static final int FORMAT = 1;
}
