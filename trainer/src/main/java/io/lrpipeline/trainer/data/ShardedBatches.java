package io.lrpipeline.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * One worker's share of a data set, cut into mini-batches resized for the model. Worker {@code k} of
 * {@code n} owns the images whose index is {@code k} modulo {@code n}, shuffled once by {@code seed};
 * each epoch takes the next {@code samplesPerEpoch} of them, wrapping around.
 */
public final class ShardedBatches {
    private final LabeledImages images;
    private final int[] shard;
    private final int samplesPerEpoch;
    private final int batchSize;
    private final int inputSize;
    private final int channels;

    public ShardedBatches(LabeledImages images, int worker, int workers, int samplesPerEpoch, int batchSize,
            int inputSize, int channels, long seed) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " is not one of " + workers);
        }
        this.images = images;
        this.shard = shuffledShard(images.size(), worker, workers, new Random(seed + worker));
        if (shard.length == 0) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers + " gets no images out of " + images.size());
        }
        this.samplesPerEpoch = samplesPerEpoch;
        this.batchSize = batchSize;
        this.inputSize = inputSize;
        this.channels = channels;
    }

    /** The batches of {@code epoch}, in order; the last one may be smaller. */
    public List<Batch> epoch(int epoch) {
        long first = (long) epoch * samplesPerEpoch;
        return cut(images, samplesPerEpoch, k -> shard[(int) ((first + k) % shard.length)], batchSize, inputSize, channels);
    }

    /** All of {@code images} as batches, in order, for evaluation. */
    public static List<Batch> all(LabeledImages images, int batchSize, int inputSize, int channels) {
        return cut(images, images.size(), k -> k, batchSize, inputSize, channels);
    }

    /** {@code count} images, the k-th being {@code images[imageAt(k)]}, in batches of {@code batchSize}. */
    private static List<Batch> cut(LabeledImages images, int count, IntUnaryOperator imageAt, int batchSize, int inputSize,
            int channels) {
        List<Batch> batches = new ArrayList<>();
        for (int start = 0; start < count; start += batchSize) {
            int[] indices = new int[Math.min(batchSize, count - start)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = imageAt.applyAsInt(start + i);
            }
            batches.add(batch(images, indices, inputSize, channels));
        }
        return batches;
    }

    private static Batch batch(LabeledImages images, int[] indices, int inputSize, int channels) {
        int plane = inputSize * inputSize;
        float[] features = new float[indices.length * channels * plane];
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            float[] resized = Resize.bilinear(images.pixels()[indices[i]], images.rows(), images.columns(), inputSize);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(resized, 0, features, (i * channels + c) * plane, plane);
            }
            labels[i] = images.labels()[indices[i]];
        }
        return new Batch(features, labels, channels, inputSize, inputSize);
    }

    private static int[] shuffledShard(int total, int worker, int workers, Random random) {
        int[] shard = new int[(total - worker + workers - 1) / workers];
        for (int i = 0; i < shard.length; i++) {
            shard[i] = worker + i * workers;
        }
        for (int i = shard.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = shard[i];
            shard[i] = shard[j];
            shard[j] = swap;
        }
        return shard;
    }
}
