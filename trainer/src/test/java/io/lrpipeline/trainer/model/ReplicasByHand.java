package io.lrpipeline.trainer.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The oracle of the data-parallel engines' tests: a tiny network, and two of its replicas averaged after every step by hand. */
final class ReplicasByHand {
    private ReplicasByHand() {}

    /**
     * What averaging two replicas after every step should make of {@code network}: each round, one copy trains the next batch and
     * another the one after; parameters and optimizer state become the mean of the two.
     */
    static ComputationGraph averagedRounds(ComputationGraph network, DataSetIterator batches, int rounds) {
        for (int round = 0; round < rounds; round++) {
            ComputationGraph first = network.clone();
            ComputationGraph second = network.clone();
            first.fit(batches.next());
            second.fit(batches.next());
            network.params().assign(first.params().add(second.params()).divi(2));
            network.getUpdater().getStateViewArray()
                    .assign(first.getUpdater().getStateViewArray().add(second.getUpdater().getStateViewArray()).divi(2));
        }
        return network;
    }

    static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    static ComputationGraph tinyGraph(int classes) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).updater(new TfRmsProp(0.05))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().decay(0.9).build(), "conv")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output")
                .build());
        graph.init();
        return graph;
    }
}
