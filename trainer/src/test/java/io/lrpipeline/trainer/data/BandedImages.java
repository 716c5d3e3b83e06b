package io.lrpipeline.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Fashion-MNIST-shaped data for tests: 28×28 grey images in 10 classes, as the four IDX files. */
public final class BandedImages {
    private BandedImages() {}

    /** 256 training and 32 test images in {@code dir} (created), in Fashion-MNIST's file names; returns {@code dir}. */
    public static Path fashionMnistShaped(Path dir) throws IOException {
        Files.createDirectories(dir);
        IdxFiles.write(images(256, 1), dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
        IdxFiles.write(images(32, 2), dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        return dir;
    }

    /** 28×28 images whose class is a bright horizontal band at a class-specific height, plus noise. */
    private static LabeledImages images(int count, long seed) {
        Random random = new Random(seed);
        byte[][] pixels = new byte[count][28 * 28];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < pixels[i].length; p++) {
                boolean band = p / 28 / 3 == labels[i];
                pixels[i][p] = (byte) (band ? 200 + random.nextInt(55) : random.nextInt(40));
            }
        }
        return new LabeledImages(28, 28, pixels, labels);
    }
}
