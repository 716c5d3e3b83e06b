package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel;
import io.lrpipeline.trainer.data.Batch;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A DL4J {@link ComputationGraph} behind {@link TrainableModel}. The optimizer is DL4J's {@link RmsProp}
 * (decay 0.9, ε = 1.0 as in the Inception-v4 recipe), which computes {@code lr·g/(sqrt(cache)+ε)} without
 * momentum: not TensorFlow's {@code sqrt(cache+ε)} form with momentum 0.9 that the paper used.
 */
public final class Dl4jModel implements TrainableModel {
    private static final double RMS_DECAY = 0.9;
    private static final double EPSILON = 1.0;

    private final ComputationGraph graph;
    private final int classes;
    private double learningRate;

    private Dl4jModel(ComputationGraph graph, int classes, double learningRate) {
        this.graph = graph;
        this.classes = classes;
        this.learningRate = learningRate;
    }

    /** A freshly initialised Inception-v4 of the given shape, its learning rate set from outside. */
    public static Dl4jModel inceptionV4(int inputSize, int channels, int classes, double width, double learningRate, long seed) {
        RmsProp rmsProp = RmsProp.builder().learningRate(learningRate).rmsDecay(RMS_DECAY).epsilon(EPSILON).build();
        return build(inputSize, channels, classes, width, rmsProp, learningRate, seed);
    }

    /** As above, with the learning rate decided inside DL4J by {@code schedule} (the in-process baseline of the benchmarks). */
    public static Dl4jModel inceptionV4(int inputSize, int channels, int classes, double width, ISchedule schedule, long seed) {
        RmsProp rmsProp = RmsProp.builder().learningRateSchedule(schedule).rmsDecay(RMS_DECAY).epsilon(EPSILON).build();
        return build(inputSize, channels, classes, width, rmsProp, schedule.valueAt(0, 0), seed);
    }

    private static Dl4jModel build(int inputSize, int channels, int classes, double width, RmsProp rmsProp, double learningRate, long seed) {
        ComputationGraph graph = new ComputationGraph(InceptionV4.configuration(inputSize, channels, classes, width, rmsProp, seed));
        graph.init();
        return new Dl4jModel(graph, classes, learningRate);
    }

    /** Keeps the updater's state: DL4J rebuilds the updater from its existing state array. */
    @Override
    public void setLearningRate(double learningRate) {
        graph.setLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public double fit(Batch batch) {
        graph.fit(new DataSet(features(batch), oneHot(batch)));
        return graph.score();
    }

    @Override
    public int countCorrect(Batch batch) {
        INDArray predicted = graph.outputSingle(false, features(batch)).argMax(1);
        int correct = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (predicted.getInt(i) == batch.labels()[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Advances DL4J's epoch counter, as {@code fit(DataSetIterator)} would: epoch-based DL4J schedules read it. */
    @Override
    public void epochEnded() {
        graph.incrementEpochCount();
    }

    @Override
    public long iterations() {
        return graph.getIterationCount();
    }

    public long parameterCount() {
        return graph.numParams();
    }

    private static INDArray features(Batch batch) {
        return Nd4j.create(batch.features(), new long[] {batch.size(), batch.channels(), batch.height(), batch.width()}, 'c');
    }

    private INDArray oneHot(Batch batch) {
        INDArray labels = Nd4j.zeros(batch.size(), classes);
        for (int i = 0; i < batch.size(); i++) {
            labels.putScalar(i, batch.labels()[i], 1.0);
        }
        return labels;
    }
}
