package io.lrpipeline.trainer.data;

/**
 * A mini-batch ready for a model: {@code features} holds {@code size} images in NCHW order,
 * scaled to [0, 1]; {@code labels} their classes.
 */
public record Batch(float[] features, int[] labels, int channels, int height, int width) {
    public int size() {
        return labels.length;
    }
}
