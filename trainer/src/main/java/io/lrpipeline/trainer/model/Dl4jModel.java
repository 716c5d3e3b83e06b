package io.lrpipeline.trainer.model;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.trainer.Scores;
import io.lrpipeline.trainer.TrainableModel;
import io.lrpipeline.trainer.data.ImageData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
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
    @Override
    public int stepsInEpoch(int epoch) {
        return data.batchesInEpoch(epoch) / engine.replicas();
    }

    /** The epoch's batches from step {@code fromStep + 1} on, one per replica and step, trained by the engine. */
    @Override
    public EpochResult train(int epoch, int fromStep, int toStep, EpochListener listener) {
        return engine.train(graph, data.trainEpoch(epoch, fromStep * engine.replicas()),
                new Engine.Steps(fromStep, toStep - fromStep, stepsInEpoch(epoch)), loop.prefetch(), listener);
    }

    @Override
    public void endEpoch(int epoch) {
        if (loop.preciseBatchNormBatches() > 0) {
            PreciseBatchNorm.recompute(graph, data.trainEpoch(epoch), loop.preciseBatchNormBatches());
        }
        graph.incrementEpochCount();
    }

    /** The count of parameters and optimizer state, and a digest of every parameter array's name and shape. */
    @Override
    public String shape() {
        return shapeOf(graph);
    }

    static String shapeOf(ComputationGraph network) {
        StringBuilder layout = new StringBuilder();
        for (Map.Entry<String, INDArray> parameter : new TreeMap<>(network.paramTable()).entrySet()) {
            layout.append(parameter.getKey()).append(Arrays.toString(parameter.getValue().shape())).append(';');
        }
        INDArray state = network.getUpdater().getStateViewArray();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(layout.toString().getBytes(StandardCharsets.UTF_8));
            return "%,d parameters in %d arrays (layout %s), %,d optimizer state values".formatted(network.numParams(),
                    network.paramTable().size(), HexFormat.of().formatHex(digest, 0, 8), state == null ? 0 : state.length());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** DL4J's own model format, with the optimizer state: what {@code ModelSerializer} restores anywhere. */
    @Override
    public void writeState(OutputStream out) throws IOException {
        ModelSerializer.writeModel(graph, out, true);
    }

    /** Parameters, optimizer state, counters and rate of the written model, copied into this one. */
    @Override
    public void readState(InputStream in) throws IOException {
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(in, true);
        if (!shapeOf(saved).equals(shape())) {
            throw new IllegalArgumentException("the saved model is " + shapeOf(saved) + ", this one " + shape());
        }
        graph.params().assign(saved.params());
        graph.getUpdater().getStateViewArray().assign(saved.getUpdater().getStateViewArray());
        graph.getConfiguration().setIterationCount(saved.getIterationCount());
        graph.getConfiguration().setEpochCount(saved.getEpochCount());
        double savedRate = learningRateOf(saved);
        if (savedRate != learningRate) {
            setLearningRate(savedRate);
        }
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

    private Evaluation score(DataSetIterator split) {
        return score(graph, split, data.classes(), loop.prefetch());
    }

    /** {@code network} in inference mode (BatchNorm's stored statistics, no dropout) on every image of {@code split}. */
    public static Evaluation score(ComputationGraph network, DataSetIterator split, int classes, int prefetch) {
        Scores scores = new Scores(classes);
        AsyncDataSetIterator batches = new AsyncDataSetIterator(split, prefetch);
        try {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                float[][] probabilities = network.outputSingle(false, batch.getFeatures()).toFloatMatrix();
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
