package io.lrpipeline.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The four gzipped IDX files of MNIST or Fashion-MNIST in one directory, as Debian's {@code dataset-fashion-mnist}
 * package installs them (60,000 training and 10,000 test images of 28×28, 10 classes).
 */
public final class FashionMnist {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    public static LabeledImages train(Path dir) throws DataException {
        return read(dir, TRAIN_IMAGES, TRAIN_LABELS);
    }

    /** The test split, or {@code null} when the directory has no test files. */
    public static LabeledImages testIfPresent(Path dir) throws DataException {
        return Files.isRegularFile(dir.resolve(TEST_IMAGES)) ? read(dir, TEST_IMAGES, TEST_LABELS) : null;
    }

    private static LabeledImages read(Path dir, String images, String labels) throws DataException {
        Path imageFile = require(dir, images);
        Path labelFile = require(dir, labels);
        try {
            return IdxFiles.read(imageFile, labelFile);
        } catch (IOException e) {
            throw new DataException("cannot read " + imageFile + " with " + labelFile + ": " + e.getMessage());
        }
    }

    private static Path require(Path dir, String name) throws DataException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new DataException("IDX file " + file + " is missing. For Fashion-MNIST on Debian: sudo apt-get install"
                    + " dataset-fashion-mnist (installs to " + DEBIAN_DIR + "); elsewhere, put the four *-ubyte.gz files of the"
                    + " official release in one directory and pass it with --data-dir.");
        }
        return file;
    }

    private FashionMnist() {}
}
