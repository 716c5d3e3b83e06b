package io.lrpipeline.trainer.data;

import java.util.Optional;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * One worker's view of an image classification data set: its share of the training split, epoch by epoch, and the
 * validation and test splits. Every iterator streams: it reads and prepares a batch when asked for it, so memory
 * holds a few batches whatever the size of an epoch. Images come scaled to [0, 1], NCHW, labels one-hot.
 */
public interface ImageData {
    int classes();

    int channels();

    /** How this worker reads the data. */
    DataSettings settings();

    /** Training images in this worker's share. */
    int shareSize();

    default int inputSize() {
        return settings().inputSize();
    }

    default int batchSize() {
        return settings().batchSize();
    }

    /** Images in this worker's epoch {@code epoch}: its whole share, or {@code --samples-per-epoch} of it. */
    default int imagesInEpoch(int epoch) {
        return settings().samplesPerEpoch() == 0 ? shareSize() : settings().samplesPerEpoch();
    }

    /** Batches in this worker's epoch {@code epoch}, the last one possibly short. */
    default int batchesInEpoch(int epoch) {
        return (imagesInEpoch(epoch) + batchSize() - 1) / batchSize();
    }

    /** This worker's training images of epoch {@code epoch}, in order, in batches. */
    DataSetIterator trainEpoch(int epoch);

    /**
     * Epoch {@code epoch} from its batch {@code fromBatch} on (0-based), each image as {@link #trainEpoch(int)} gives it:
     * where an epoch resumes. By default the batches before are made and dropped, so that every random draw of the
     * epoch's augmentation happens as it would have.
     */
    default DataSetIterator trainEpoch(int epoch, int fromBatch) {
        DataSetIterator batches = trainEpoch(epoch);
        for (int batch = 0; batch < fromBatch && batches.hasNext(); batch++) {
            batches.next();
        }
        return batches;
    }

    /** The validation split held out of the training data, whole; empty when none is held out. */
    Optional<DataSetIterator> validation();

    /** The test split, whole; empty when the data has none. */
    Optional<DataSetIterator> test();

    /** One line for the console: where the data comes from and how it is split. */
    String describe();
}
