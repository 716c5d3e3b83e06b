package io.lrpipeline.trainer.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** IDX files (Fashion-MNIST's format): grey images held as bytes, resized batch by batch. */
public final class IdxImageData implements ImageData {
    private final LabeledImages train;
    private final LabeledImages test;
    private final int[] share;
    private final int[] validation;
    private final int trainCount;
    private final DataSettings settings;
    private final int classes;

    private IdxImageData(LabeledImages train, LabeledImages test, int[] share, int[] validation, int trainCount,
            DataSettings settings, int classes) {
        this.train = train;
        this.trainCount = trainCount;
        this.test = test;
        this.share = share;
        this.validation = validation;
        this.settings = settings;
        this.classes = classes;
    }

    /** Reads {@code dir}'s IDX files and splits them for worker {@code worker} of {@code workers}. */
    public static IdxImageData open(Path dir, DataSettings settings) throws DataException {
        LabeledImages train = FashionMnist.train(dir);
        LabeledImages test = FashionMnist.testIfPresent(dir);
        int classes = Arrays.stream(train.labels()).max().orElse(0) + 1;
        if (Arrays.stream(train.labels()).distinct().count() < 2) {
            throw new DataException(dir + ": the training images have only one class; a classifier needs at least two");
        }
        DataSplit.HoldOut split = DataSplit.holdOut(train.size(), settings.validationFraction(), settings.seed());
        int[] share = DataSplit.share(split.train(), settings.worker(), settings.workers());
        if (share.length == 0) {
            throw new DataException(dir + ": worker " + settings.worker() + " of " + settings.workers() + " gets no training images out of "
                    + split.train().length);
        }
        int[] validation = Arrays.stream(DataSettings.spread(split.validation().length, settings.validationSamples()))
                .map(p -> split.validation()[p]).toArray();
        return new IdxImageData(train, test, share, validation, split.train().length, settings, classes);
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int channels() {
        return 1;
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
        return batches(train, settings.epochOrder(share, epoch));
    }

    /** Resized without augmentation: the batches before {@code fromBatch} are skipped, not made. */
    @Override
    public DataSetIterator trainEpoch(int epoch, int fromBatch) {
        int[] order = settings.epochOrder(share, epoch);
        return batches(train, Arrays.copyOfRange(order, Math.min(order.length, fromBatch * settings.batchSize()), order.length));
    }

    @Override
    public Optional<DataSetIterator> validation() {
        return validation.length == 0 ? Optional.empty() : Optional.of(batches(train, validation));
    }

    @Override
    public Optional<DataSetIterator> test() {
        if (test == null) {
            return Optional.empty();
        }
        return Optional.of(batches(test, DataSettings.spread(test.size(), settings.testSamples())));
    }

    @Override
    public String describe() {
        return "IDX, %d classes, grey; %,d training images (this worker: %,d), %,d validation, %s test".formatted(classes,
                trainCount, share.length, validation.length,
                test == null ? "no" : "%,d".formatted(DataSettings.spread(test.size(), settings.testSamples()).length));
    }

    private DataSetIterator batches(LabeledImages images, int[] order) {
        return new IdxBatches(images, order, settings.batchSize(), settings.inputSize(), classes);
    }
}
