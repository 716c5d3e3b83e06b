package io.lrpipeline.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it (60k train, 10k test, 28×28, 10 classes). */
public final class FashionMnist {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;

    public static LabeledImages train(Path dir, int limit) throws IOException {
        return IdxFiles.read(require(dir, "train-images-idx3-ubyte.gz"), require(dir, "train-labels-idx1-ubyte.gz"), limit);
    }

    public static LabeledImages test(Path dir, int limit) throws IOException {
        return IdxFiles.read(require(dir, "t10k-images-idx3-ubyte.gz"), require(dir, "t10k-labels-idx1-ubyte.gz"), limit);
    }

    private static Path require(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException("Fashion-MNIST file " + file + " is missing. On Debian: sudo apt-get install dataset-fashion-mnist"
                    + " (installs to " + DEBIAN_DIR + "); elsewhere, put the four *-ubyte.gz files of the official"
                    + " Fashion-MNIST release in one directory and pass it with --data-dir.");
        }
        return file;
    }

    private FashionMnist() {}
}
