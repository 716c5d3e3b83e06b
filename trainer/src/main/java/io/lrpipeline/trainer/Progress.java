package io.lrpipeline.trainer;

import io.lrpipeline.trainer.TrainableModel.EpochResult;
import java.util.List;

/**
 * Where a trainer's run stands between two steps: epoch {@code epoch} with {@code stepsDone} of its steps trained
 * (0: the epoch has not begun, so the one before is over), the model's step counter, and for an epoch under way the
 * counter at its start, the rate it trains with, what each replica and the whole model did in it so far. What a
 * checkpoint records beside the model, and where a resumed run goes on.
 */
public record Progress(int epoch, int stepsDone, long iteration, long epochStartIteration, RateDecision rate, List<ReplicaSoFar> replicas,
        EpochResult epochSoFar) {
    /** A run before its first step. */
    public static final Progress START = new Progress(0, 0, 0, 0, null, List.of(), EpochResult.NONE);

    /** One replica's steps, images, loss summed over its images, and last rate in the epoch so far. */
    public record ReplicaSoFar(int steps, int images, double lossSum, double learningRate) {}

    public Progress {
        if (epoch < 0 || stepsDone < 0 || iteration < 0) {
            throw new IllegalArgumentException("epoch, steps and iteration must be >= 0");
        }
        replicas = List.copyOf(replicas);
    }

    /** Whether the run stands inside an epoch, which it goes on at the rate it had. */
    public boolean midEpoch() {
        return stepsDone > 0;
    }
}
