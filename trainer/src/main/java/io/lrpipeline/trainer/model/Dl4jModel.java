package io.lrpipeline.trainer.model;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.trainer.Scores;
import io.lrpipeline.trainer.TrainableModel;
import io.lrpipeline.trainer.data.ImageData;
import java.util.Optional;
import java.util.function.Consumer;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A DL4J {@link ComputationGraph} and the worker's {@link ImageData} behind {@link TrainableModel}. Batches are
 * prepared on a prefetch thread ({@link AsyncDataSetIterator}, {@code prefetch} batches ahead) while the model
 * computes, so an epoch never sits in memory whole. With {@code preciseBatchNormBatches} > 0 each epoch ends by
 * recomputing BatchNorm's statistics from that many training batches under the final weights ({@link PreciseBatchNorm}).
 */
public final class Dl4jModel implements TrainableModel {
    private final ComputationGraph graph;
    private final ImageData data;
    private final Loop loop;
    private double learningRate;

    /** How the training loop runs: batches prefetched, and training batches for {@link PreciseBatchNorm} (0: none). */
    public record Loop(int prefetch, int preciseBatchNormBatches) {
        public Loop {
            if (prefetch < 1 || preciseBatchNormBatches < 0) {
                throw new IllegalArgumentException("needs prefetch >= 1 and precise BatchNorm batches >= 0, got " + prefetch + " and "
                        + preciseBatchNormBatches);
            }
        }
    }

    public Dl4jModel(ComputationGraph graph, ImageData data, Loop loop, double learningRate) {
        this.graph = graph;
        this.data = data;
        this.loop = loop;
        this.learningRate = learningRate;
    }

    /** A freshly initialised Inception-v4 shaped for {@code data}, trained by {@code updater}. */
    public static Dl4jModel inceptionV4(ImageData data, double width, InceptionV4.Regularization regularization, IUpdater updater,
            Loop loop, long seed) {
        InceptionV4.Shape shape = new InceptionV4.Shape(data.inputSize(), data.channels(), data.classes(), width);
        ComputationGraph graph = new ComputationGraph(InceptionV4.configuration(shape, regularization, updater, seed));
        graph.init();
        return new Dl4jModel(graph, data, loop, updater.getLearningRate(0, 0));
    }

    /** Keeps the updater's state: DL4J sets the rate on each layer's updater and rebuilds it on the same state array. */
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
    public EpochResult trainEpoch(int epoch, Consumer<Step> steps) {
        int stepsInEpoch = (data.imagesInEpoch(epoch) + data.batchSize() - 1) / data.batchSize();
        AsyncDataSetIterator batches = new AsyncDataSetIterator(data.trainEpoch(epoch), loop.prefetch());
        long waiting = 0;
        long computing = 0;
        double lossSum = 0;
        int images = 0;
        int step = 0;
        try {
            while (true) {
                long asked = System.nanoTime();
                if (!batches.hasNext()) {
                    break;
                }
                DataSet batch = batches.next();
                long got = System.nanoTime();
                graph.fit(batch);
                double loss = graph.score();
                computing += System.nanoTime() - got;
                waiting += got - asked;
                int size = batch.numExamples();
                lossSum += loss * size;
                images += size;
                steps.accept(new Step(graph.getIterationCount(), ++step, stepsInEpoch, loss, size));
            }
        } finally {
            batches.shutdown();
        }
        if (loop.preciseBatchNormBatches() > 0) {
            PreciseBatchNorm.recompute(graph, data.trainEpoch(epoch), loop.preciseBatchNormBatches());
        }
        graph.incrementEpochCount();
        return new EpochResult(step, images, images == 0 ? Double.NaN : lossSum / images, waiting / 1e9, computing / 1e9);
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

    /** The model in inference mode (BatchNorm's moving averages, no dropout) on every image of {@code split}. */
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
