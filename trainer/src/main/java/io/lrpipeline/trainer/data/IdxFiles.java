package io.lrpipeline.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads (and, for tests and tools, writes) the gzipped IDX files of MNIST and Fashion-MNIST:
 * {@code *-images-idx3-ubyte.gz} (magic 2051, count, rows, columns, pixels) and
 * {@code *-labels-idx1-ubyte.gz} (magic 2049, count, labels).
 */
public final class IdxFiles {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** The images of {@code images} with their labels from {@code labels}. */
    public static LabeledImages read(Path images, Path labels) throws IOException {
        try (DataInputStream imageIn = open(images); DataInputStream labelIn = open(labels)) {
            expectMagic(images, imageIn.readInt(), IMAGES_MAGIC);
            expectMagic(labels, labelIn.readInt(), LABELS_MAGIC);
            int count = imageIn.readInt();
            if (labelIn.readInt() != count) {
                throw new IOException(images + " and " + labels + " hold different numbers of items");
            }
            int rows = imageIn.readInt();
            int columns = imageIn.readInt();
            byte[][] pixels = new byte[count][rows * columns];
            int[] classes = new int[count];
            for (int i = 0; i < count; i++) {
                imageIn.readFully(pixels[i]);
                classes[i] = labelIn.readUnsignedByte();
            }
            return new LabeledImages(rows, columns, pixels, classes);
        }
    }

    /** Writes {@code images} as the two gzipped IDX files. */
    public static void write(LabeledImages images, Path imagesFile, Path labelsFile) throws IOException {
        try (var imageOut = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(imagesFile)));
                var labelOut = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labelsFile)))) {
            imageOut.writeInt(IMAGES_MAGIC);
            imageOut.writeInt(images.size());
            imageOut.writeInt(images.rows());
            imageOut.writeInt(images.columns());
            labelOut.writeInt(LABELS_MAGIC);
            labelOut.writeInt(images.size());
            for (int i = 0; i < images.size(); i++) {
                imageOut.write(images.pixels()[i]);
                labelOut.writeByte(images.labels()[i]);
            }
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in, 64 * 1024)));
    }

    private static void expectMagic(Path file, int actual, int expected) throws IOException {
        if (actual != expected) {
            throw new IOException("%s is not an IDX file of the expected kind (magic 0x%08x, wanted 0x%08x)".formatted(file, actual, expected));
        }
    }

    private IdxFiles() {}
}
