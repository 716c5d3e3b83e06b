package io.lrpipeline.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.image.recordreader.ImageRecordReader;
import org.datavec.image.transform.CropImageTransform;
import org.datavec.image.transform.FlipImageTransform;
import org.datavec.image.transform.ImageTransform;
import org.datavec.image.transform.PipelineImageTransform;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;

/**
 * Your own images: an ImageNet-style tree read by DataVec's {@link ImageRecordReader} with a
 * {@link ParentPathLabelGenerator} (the class is the image's folder). Either {@code DIR/train/<class>/…} with
 * optional {@code DIR/validation} (or {@code val}) and {@code DIR/test} trees of the same classes, or
 * {@code DIR/<class>/…}, from which validation and test are held out. Training images get a random crop (up to an
 * eighth of the side from each edge) and a horizontal flip half of the time, then everything is resized to the input.
 */
public final class FolderImageData implements ImageData {
    private final ImageTree train;
    private final List<Path> validation;
    private final List<Path> test;
    private final int[] share;
    private final int trainCount;
    private final DataSettings settings;
    private final String layout;

    private FolderImageData(ImageTree train, List<Path> validation, List<Path> test, int[] share, int trainCount,
            DataSettings settings, String layout) {
        this.train = train;
        this.trainCount = trainCount;
        this.validation = validation;
        this.test = test;
        this.share = share;
        this.settings = settings;
        this.layout = layout;
    }

    public static FolderImageData open(Path dir, DataSettings settings) throws DataException {
        if (!Files.isDirectory(dir)) {
            throw new DataException("image folder " + dir + " does not exist or is not a directory");
        }
        Path trainRoot = ImageTree.child(dir, "train");
        if (trainRoot != null) {
            ImageTree train = ImageTree.scan(trainRoot);
            List<Path> validation = subTree(ImageTree.child(dir, "validation", "val"), train);
            List<Path> test = subTree(ImageTree.child(dir, "test"), train);
            int[] all = new int[train.images().size()];
            Arrays.setAll(all, i -> i);
            DataSplit.HoldOut held = validation.isEmpty()
                    ? DataSplit.holdOut(all.length, settings.validationFraction(), settings.seed())
                    : new DataSplit.HoldOut(all, new int[0]);
            List<Path> validationImages = validation.isEmpty() ? train.at(held.validation()) : validation;
            return create(train, held.train(), validationImages, test, settings, "sub-trees train/"
                    + (validation.isEmpty() ? "" : ", validation/") + (test.isEmpty() ? "" : ", test/"));
        }
        ImageTree tree = ImageTree.scan(dir);
        int count = tree.images().size();
        DataSplit.HoldOut forTest = DataSplit.holdOut(count, settings.testFraction(), settings.seed() + 1);
        DataSplit.HoldOut forValidation = DataSplit.holdOut(forTest.train().length, settings.validationFraction(), settings.seed());
        int[] train = pick(forTest.train(), forValidation.train());
        int[] validation = pick(forTest.train(), forValidation.validation());
        return create(tree, train, tree.at(validation), tree.at(forTest.validation()), settings, "one tree, split");
    }

    private static FolderImageData create(ImageTree train, int[] trainPositions, List<Path> validation, List<Path> test,
            DataSettings settings, String layout) throws DataException {
        int[] share = DataSplit.share(trainPositions, settings.worker(), settings.workers());
        if (share.length == 0) {
            throw new DataException(train.root() + ": worker " + settings.worker() + " of " + settings.workers()
                    + " gets no training images out of " + trainPositions.length);
        }
        return new FolderImageData(train, limit(validation, settings.validationSamples()), limit(test, settings.testSamples()),
                share, trainPositions.length, settings, layout);
    }

    @Override
    public int classes() {
        return train.classes().size();
    }

    @Override
    public int channels() {
        return train.channels();
    }

    @Override
    public DataSettings settings() {
        return settings;
    }

    @Override
    public int shareSize() {
        return share.length;
    }

    @Override
    public DataSetIterator trainEpoch(int epoch) {
        int[] order = settings.epochOrder(share, epoch);
        long seed = settings.orderSeed() * 31 + epoch;
        int crop = Math.max(1, Math.min(train.width(), train.height()) / 8);
        ImageTransform augment = new PipelineImageTransform(seed, List.of(
                new Pair<>(new CropImageTransform(new Random(seed), crop), 1.0),
                new Pair<>(new FlipImageTransform(1), 0.5)), false);
        return batches(train.at(order), augment);
    }

    @Override
    public Optional<DataSetIterator> validation() {
        return validation.isEmpty() ? Optional.empty() : Optional.of(batches(validation, null));
    }

    @Override
    public Optional<DataSetIterator> test() {
        return test.isEmpty() ? Optional.empty() : Optional.of(batches(test, null));
    }

    @Override
    public String describe() {
        return "image folders at %s (%s), %d classes, %s, %d×%d; %,d training images (this worker: %,d), %,d validation, %,d test"
                .formatted(train.root(), layout, classes(), channels() == 1 ? "grey" : "RGB", train.width(), train.height(),
                        trainCount, share.length,
                        validation.size(), test.size());
    }

    private DataSetIterator batches(List<Path> images, ImageTransform transform) {
        ImageRecordReader reader = new ImageRecordReader(settings.inputSize(), settings.inputSize(), channels(),
                new ParentPathLabelGenerator(), transform);
        reader.setLogLabelCountOnInit(false);
        try {
            reader.initialize(new CollectionInputSplit(images.stream().map(Path::toUri).toArray(URI[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader.setLabels(train.classes());
        RecordReaderDataSetIterator iterator = new RecordReaderDataSetIterator(reader, settings.batchSize(), 1, classes());
        iterator.setPreProcessor(new ImagePreProcessingScaler(0, 1));
        return iterator;
    }

    private static List<Path> subTree(Path root, ImageTree train) throws DataException {
        return root == null ? List.of() : ImageTree.scan(root, train.classes()).images();
    }

    private static int[] pick(int[] from, int[] positions) {
        return Arrays.stream(positions).map(p -> from[p]).toArray();
    }

    private static List<Path> limit(List<Path> images, int limit) {
        return Arrays.stream(DataSettings.spread(images.size(), limit)).mapToObj(images::get).toList();
    }
}
