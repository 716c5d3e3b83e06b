package io.lrpipeline.trainer.data;

import java.util.List;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Grey 8-bit images, picked by {@code order}, resized and scaled to [0, 1] one batch at a time as they are asked for:
 * what is held is the source images (bytes) and the batch being built.
 */
final class IdxBatches implements DataSetIterator {
    private final LabeledImages images;
    private final int[] order;
    private final int batchSize;
    private final int inputSize;
    private final int classes;
    private DataSetPreProcessor preProcessor;
    private int next;

    IdxBatches(LabeledImages images, int[] order, int batchSize, int inputSize, int classes) {
        this.images = images;
        this.order = order;
        this.batchSize = batchSize;
        this.inputSize = inputSize;
        this.classes = classes;
    }

    @Override
    public boolean hasNext() {
        return next < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        int count = Math.min(num, order.length - next);
        int plane = inputSize * inputSize;
        float[] features = new float[count * plane];
        float[] labels = new float[count * classes];
        for (int i = 0; i < count; i++) {
            int image = order[next + i];
            System.arraycopy(Resize.bilinear(images.pixels()[image], images.rows(), images.columns(), inputSize), 0, features, i * plane, plane);
            labels[i * classes + images.labels()[image]] = 1;
        }
        next += count;
        DataSet batch = new DataSet(Nd4j.create(features, new long[] {count, 1, inputSize, inputSize}, 'c'),
                Nd4j.create(labels, new long[] {count, classes}, 'c'));
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    @Override
    public int inputColumns() {
        return inputSize * inputSize;
    }

    @Override
    public int totalOutcomes() {
        return classes;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        next = 0;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
