package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** BatchNorm's statistics recomputed under the current weights: inference then normalises as training mode does. */
class PreciseBatchNormTest {
    @Test
    void afterRecomputingInferenceOnABatchMatchesTrainingModeOnIt() {
        ComputationGraph graph = twoConvolutions();
        DataSet batch = batch(7);
        for (int i = 0; i < 5; i++) {
            graph.fit(batch(i)); // rate 0.5: the weights move far from where the moving averages were taken
        }
        INDArray training = graph.outputSingle(true, batch.getFeatures());
        double before = maxDifference(graph.outputSingle(false, batch.getFeatures()), training);

        PreciseBatchNorm.recompute(graph, batches(batch), 4);

        assertThat(before).as("moving averages before").isGreaterThan(0.01);
        assertThat(maxDifference(graph.outputSingle(false, batch.getFeatures()), training)).isLessThan(1e-5);
    }

    @Test
    void poolsTheStatisticsOfSeveralBatchesAndStopsAtTheLimit() {
        ComputationGraph graph = twoConvolutions();
        DataSet first = batch(1);
        DataSet second = batch(2);
        INDArray firstInput = convolutionOutput(graph, first);
        INDArray secondInput = convolutionOutput(graph, second);

        PreciseBatchNorm.recompute(graph, batches(first, second, batch(3)), 2);

        INDArray both = Nd4j.concat(0, firstInput, secondInput);
        INDArray mean = graph.getLayer("bn1").paramTable().get("mean");
        INDArray log10Std = graph.getLayer("bn1").paramTable().get("log10stdev");
        assertThat(maxDifference(mean, both.mean(0, 2, 3).reshape(mean.shape()))).isLessThan(1e-4);
        INDArray variance = both.var(false, 0, 2, 3).reshape(log10Std.shape()); // DL4J adds the epsilon at inference
        assertThat(maxDifference(log10Std, Transforms.log(variance, 10).muli(0.5))).isLessThan(1e-4);
    }

    @Test
    void noBatchesChangesNothing() {
        ComputationGraph graph = twoConvolutions();
        INDArray parameters = graph.params().dup();

        PreciseBatchNorm.recompute(graph, batches(batch(1)), 0);

        assertThat(graph.params()).isEqualTo(parameters);
    }

    private static ComputationGraph twoConvolutions() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).updater(new TfRmsProp(0.5))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 2))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().decay(0.9).eps(1e-3).build(), "conv1")
                .addLayer("relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false).activation(Activation.IDENTITY).build(), "relu1")
                .addLayer("bn2", new BatchNormalization.Builder().decay(0.9).eps(1e-3).build(), "conv2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .build());
        graph.init();
        return graph;
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(16, 2, 8, 8).muli(3).addi(1);
        INDArray labels = Nd4j.zeros(16, 3);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        return new DataSet(features, labels);
    }

    /** One {@code DataSet} per {@code next()} (the list iterator would merge up to 10 into one batch). */
    private static ListDataSetIterator<DataSet> batches(DataSet... batches) {
        return new ListDataSetIterator<>(List.of(batches), 1);
    }

    private static INDArray convolutionOutput(ComputationGraph graph, DataSet batch) {
        return graph.feedForward(new INDArray[] {batch.getFeatures()}, true, false).get("conv1").dup();
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
