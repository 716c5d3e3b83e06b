package io.lrpipeline.trainer.model;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.trainer.Scores;
import io.lrpipeline.trainer.TrainableModel;
import io.lrpipeline.trainer.data.ImageData;
import java.util.Optional;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.datasets.iterator.EarlyTerminationDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A DL4J {@link ComputationGraph} and the worker's {@link ImageData} behind {@link TrainableModel}. Batches are
 * prepared on a prefetch thread ({@link AsyncDataSetIterator}, {@code prefetch} batches ahead) while the model
 * computes, so an epoch never sits in memory whole. With {@code replicas} > 1 the epoch is trained by DL4J's
 * {@link ParallelWrapper}: that many threads, each a replica of the model fed batches in turn, their parameters and
 * optimizer state averaged after every round of one step each (its {@code AVERAGING} mode at frequency 1), so they
 * train one model; an epoch then holds only full rounds (a last, partial round would leave a step unaveraged). With
 * {@code preciseBatchNormBatches} > 0 each epoch ends by recomputing BatchNorm's statistics from that many training
 * batches under the final weights ({@link PreciseBatchNorm}).
 */
public final class Dl4jModel implements TrainableModel {
    private final ComputationGraph graph;
    private final ImageData data;
    private final Loop loop;
    private double learningRate;

    /**
     * How the training loop runs: batches prefetched, training batches for {@link PreciseBatchNorm} (0: none), and
     * the replicas (threads) that train the model together (1: the calling thread alone).
     */
    public record Loop(int prefetch, int preciseBatchNormBatches, int replicas) {
        public Loop {
            if (prefetch < 1 || preciseBatchNormBatches < 0 || replicas < 1) {
                throw new IllegalArgumentException("needs prefetch >= 1, precise BatchNorm batches >= 0 and replicas >= 1, got " + prefetch
                        + ", " + preciseBatchNormBatches + " and " + replicas);
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

    @Override
    public int replicas() {
        return loop.replicas();
    }

    /**
     * Keeps the updater's state: DL4J sets the rate on each layer's updater and rebuilds it on the same state array.
     * ParallelWrapper builds its replicas from the model's configuration at the start of each epoch, so they take it too.
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
        return data.batchesInEpoch(epoch) / loop.replicas();
    }

    @Override
    public EpochResult trainEpoch(int epoch, EpochListener listener) {
        EpochResult result = loop.replicas() == 1 ? trainAlone(epoch, listener) : trainReplicated(epoch, listener);
        if (loop.preciseBatchNormBatches() > 0) {
            PreciseBatchNorm.recompute(graph, data.trainEpoch(epoch), loop.preciseBatchNormBatches());
        }
        graph.incrementEpochCount();
        return result;
    }

    private EpochResult trainAlone(int epoch, EpochListener listener) {
        int stepsInEpoch = stepsInEpoch(epoch);
        AsyncDataSetIterator batches = new AsyncDataSetIterator(data.trainEpoch(epoch), loop.prefetch());
        long waiting = 0;
        long computing = 0;
        double lossSum = 0;
        int images = 0;
        int step = 0;
        try {
            listener.started(0, learningRateOf(graph), graph.getIterationCount());
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
                listener.step(new Step(0, graph.getIterationCount(), ++step, stepsInEpoch, loss, size, learningRateOf(graph)));
            }
        } finally {
            batches.shutdown();
        }
        return new EpochResult(step, images, images == 0 ? Double.NaN : lossSum / images, waiting / 1e9, computing / 1e9);
    }

    /**
     * ParallelWrapper's first thread trains the model itself, the others fresh networks built from its configuration,
     * parameters and optimizer state; what they did comes back through a {@link ReplicaListener}. Data waits are not
     * told apart from training here (ParallelWrapper prefetches on its own thread).
     */
    private EpochResult trainReplicated(int epoch, EpochListener listener) {
        int rounds = stepsInEpoch(epoch);
        ReplicaListener replicas = new ReplicaListener(graph, loop.replicas(), rounds, data.batchSize(), listener);
        long start = System.nanoTime();
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(graph)
                .workers(loop.replicas())
                .prefetchBuffer(loop.prefetch())
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .averagingFrequency(1)
                .averageUpdaters(true)
                .reportScoreAfterAveraging(false)
                .build();
        try {
            wrapper.setListeners(replicas);
            wrapper.fit(new EarlyTerminationDataSetIterator(data.trainEpoch(epoch), rounds * loop.replicas()));
        } finally {
            wrapper.shutdown();
            graph.setListeners();
        }
        return new EpochResult(rounds, replicas.images(), replicas.meanLoss(), Double.NaN, (System.nanoTime() - start) / 1e9);
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
