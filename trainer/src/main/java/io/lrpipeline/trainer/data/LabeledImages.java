package io.lrpipeline.trainer.data;

/** Grayscale images of one size with a class label each: {@code pixels[i]} holds image i, row-major, 0–255. */
public record LabeledImages(int rows, int columns, byte[][] pixels, int[] labels) {
    public LabeledImages {
        if (pixels.length != labels.length) {
            throw new IllegalArgumentException(pixels.length + " images but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }
}
