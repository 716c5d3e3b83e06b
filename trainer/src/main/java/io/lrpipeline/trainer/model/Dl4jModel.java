package io.lrpipeline.trainer.model;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.trainer.Scores;
import io.lrpipeline.trainer.TrainableModel;
import io.lrpipeline.trainer.data.ImageData;
import java.util.Optional;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A DL4J {@link ComputationGraph} and the worker's {@link ImageData} behind {@link TrainableModel}. Batches stream
 * from the data, prepared ahead while the model computes, so an epoch never sits in memory whole. The {@link Engine}
 * trains them: the calling thread, ParallelWrapper's threads or Spark's executors; with several replicas an epoch
 * holds only full rounds of one batch per replica (a last, partial round would leave a step unaveraged). With
 * {@code preciseBatchNormBatches} > 0 each epoch ends by recomputing BatchNorm's statistics from that many training
 * batches under the final weights ({@link PreciseBatchNorm}).
 */
public final class Dl4jModel implements TrainableModel {
    private final ComputationGraph graph;
    private final ImageData data;
    private final Loop loop;
    private final Engine engine;
    private double learningRate;

    /** How the training loop runs: batches prepared ahead, and training batches for {@link PreciseBatchNorm} (0: none). */
    public record Loop(int prefetch, int preciseBatchNormBatches) {
        public Loop {
            if (prefetch < 1 || preciseBatchNormBatches < 0) {
                throw new IllegalArgumentException("needs prefetch >= 1 and precise BatchNorm batches >= 0, got " + prefetch + " and "
                        + preciseBatchNormBatches);
            }
        }
    }

    public Dl4jModel(ComputationGraph graph, ImageData data, Loop loop, Engine engine, double learningRate) {
        this.graph = graph;
        this.data = data;
        this.loop = loop;
        this.engine = engine;
        this.learningRate = learningRate;
    }

    /** A freshly initialised Inception-v4 shaped for {@code data}, trained by {@code updater}. */
    public static Dl4jModel inceptionV4(ImageData data, double width, InceptionV4.Regularization regularization, IUpdater updater,
            Loop loop, Engine engine, long seed) {
        InceptionV4.Shape shape = new InceptionV4.Shape(data.inputSize(), data.channels(), data.classes(), width);
        ComputationGraph graph = new ComputationGraph(InceptionV4.configuration(shape, regularization, updater, seed));
        graph.init();
        return new Dl4jModel(graph, data, loop, engine, updater.getLearningRate(0, 0));
    }

    @Override
    public int replicas() {
        return engine.replicas();
    }

    /** What trains the model's epochs. */
    public Engine engine() {
        return engine;
    }

    /**
     * Keeps the updater's state: DL4J sets the rate on each layer's updater and rebuilds it on the same state array.
     * Every engine's replicas start each step or epoch from the model's configuration, so they take it too.
     */
    @Override
    public void setLearningRate(double learningRate) {
        graph.setLearningRate(learningRate);
        this.learningRate = learningRate;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    /** Optimizer steps in epoch {@code epoch}: batches, or with several replicas, full rounds of one batch each. */
    public int stepsInEpoch(int epoch) {
        return data.batchesInEpoch(epoch) / engine.replicas();
    }

    @Override
    public EpochResult trainEpoch(int epoch, EpochListener listener) {
        EpochResult result = engine.train(graph, data.trainEpoch(epoch), stepsInEpoch(epoch), loop.prefetch(), listener);
        if (loop.preciseBatchNormBatches() > 0) {
            PreciseBatchNorm.recompute(graph, data.trainEpoch(epoch), loop.preciseBatchNormBatches());
        }
        graph.incrementEpochCount();
        return result;
    }

    /** The rate {@code network}'s optimizer holds now: that of its first layer with parameters. */
    static double learningRateOf(ComputationGraph network) {
        for (Layer layer : network.getLayers()) {
            Double rate = network.getLearningRate(layer.conf().getLayer().getLayerName());
            if (rate != null) {
                return rate;
            }
        }
        return Double.NaN;
    }

    @Override
    public Optional<Evaluation> validate() {
        return data.validation().map(this::score);
    }

    @Override
    public Optional<Evaluation> test() {
        return data.test().map(this::score);
    }

    @Override
    public long iterations() {
        return graph.getIterationCount();
    }

    public long parameterCount() {
        return graph.numParams();
    }

    /** The model in inference mode (BatchNorm's stored statistics, no dropout) on every image of {@code split}. */
    private Evaluation score(DataSetIterator split) {
        Scores scores = new Scores(data.classes());
        AsyncDataSetIterator batches = new AsyncDataSetIterator(split, loop.prefetch());
        try {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                float[][] probabilities = graph.outputSingle(false, batch.getFeatures()).toFloatMatrix();
                INDArray labels = batch.getLabels().argMax(1);
                for (int i = 0; i < probabilities.length; i++) {
                    scores.add(probabilities[i], labels.getInt(i));
                }
            }
        } finally {
            batches.shutdown();
        }
        return scores.evaluation();
    }
}
