package io.lrpipeline.trainer.data;

import java.util.Arrays;

/**
 * How a worker reads its data: its place in the run, the input size and batch size, how much is held out for
 * validation (and, for an image tree without a test sub-tree, for test), how many images an epoch has (0: a full pass
 * over the worker's share) and how many validation and test images are scored (0: all of them). {@code seed} draws the
 * split, the same for every worker of a run; {@code orderSeed} this worker's order of examples and augmentations.
 */
public record DataSettings(int worker, int workers, int inputSize, int batchSize, double validationFraction, double testFraction,
        int samplesPerEpoch, int validationSamples, int testSamples, long seed, long orderSeed) {
    public DataSettings {
        if (batchSize < 1 || samplesPerEpoch < 0 || validationSamples < 0 || testSamples < 0) {
            throw new IllegalArgumentException("batch size must be >= 1 and sample counts >= 0");
        }
    }

    /** This worker's examples of epoch {@code epoch}, in training order (see {@link DataSplit#epochOrder}). */
    int[] epochOrder(int[] share, int epoch) {
        return DataSplit.epochOrder(share, epoch, samplesPerEpoch, orderSeed);
    }

    /**
     * {@code limit} positions of {@code count} spread evenly over them (a list sorted by class keeps every class), or
     * all of them when {@code limit} is 0.
     */
    static int[] spread(int count, int limit) {
        int kept = limit == 0 ? count : Math.min(limit, count);
        int[] positions = new int[kept];
        Arrays.setAll(positions, i -> (int) ((long) i * count / kept));
        return positions;
    }
}
