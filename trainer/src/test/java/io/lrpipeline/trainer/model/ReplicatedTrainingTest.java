package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.DrawnImages;
import io.lrpipeline.trainer.data.FolderImageData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * One model trained by two ParallelWrapper threads (parameter averaging after every step): each replica tells the
 * rate its own optimizer holds, a rate set on the model between epochs reaches both, and the model after an epoch is
 * what averaging the two replicas' steps round by round gives, computed here by hand on copies of the network.
 */
class ReplicatedTrainingTest {
    @TempDir
    static Path images;

    @BeforeAll
    static void drawImages() throws Exception {
        DrawnImages.tree(images, 12, 16, false); // 12 images per class, 20 % held out for validation
    }

    @Test
    void bothReplicasTrainOneModelAtTheRateSetOnIt() throws Exception {
        FolderImageData data = FolderImageData.open(images, new DataSettings(0, 1, 16, 4, 0.2, 0, 0, 0, 0, 42, 42));
        ComputationGraph graph = tinyGraph(data.classes());
        Dl4jModel model = new Dl4jModel(graph, data, new Dl4jModel.Loop(2, 0, 2), 0.05);
        INDArray initial = graph.params().dup();
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        List<Step> steps = Collections.synchronizedList(new ArrayList<>());
        EpochListener listener = new EpochListener() {
            @Override
            public void started(int replica, double learningRate, long iteration) {
                started.add(replica + " at " + learningRate);
            }

            @Override
            public void step(Step step) {
                steps.add(step);
            }
        };

        model.setLearningRate(0.05);
        ComputationGraph averagedByHand = averagedRounds(graph.clone(), data.trainEpoch(0), model.stepsInEpoch(0));
        EpochResult first = model.trainEpoch(0, listener);
        assertThat(graph.params()).isNotEqualTo(initial);
        assertThat(maxDifference(graph.params(), averagedByHand.params())).isLessThan(1e-5);
        assertThat(maxDifference(graph.getUpdater().getStateViewArray(), averagedByHand.getUpdater().getStateViewArray())).isLessThan(1e-5);
        INDArray afterFirst = graph.params().dup();
        model.setLearningRate(0.002);
        averagedByHand = averagedRounds(graph.clone(), data.trainEpoch(1), model.stepsInEpoch(1));
        model.trainEpoch(1, listener);
        assertThat(maxDifference(graph.params(), averagedByHand.params())).isLessThan(1e-5);

        assertThat(started).containsExactlyInAnyOrder("0 at 0.05", "1 at 0.05", "0 at 0.002", "1 at 0.002");
        // Batches of 4 dealt to two replicas in rounds: only full rounds are trained, so that every step is averaged.
        int rounds = (data.shareSize() + 3) / 4 / 2;
        assertThat(rounds).isGreaterThanOrEqualTo(3);
        assertThat(first.steps()).isEqualTo(rounds);
        assertThat(first.images()).isEqualTo(Math.min(data.shareSize(), 2 * rounds * 4));
        assertThat(steps).hasSize(4 * rounds);
        assertThat(steps).extracting(Step::replica, Step::stepsInEpoch).containsOnly(tuple(0, rounds), tuple(1, rounds));
        assertThat(steps.subList(0, 2 * rounds)).extracting(Step::learningRate).containsOnly(0.05);
        assertThat(steps.subList(2 * rounds, 4 * rounds)).extracting(Step::learningRate).containsOnly(0.002);
        assertThat(graph.params()).isNotEqualTo(afterFirst);
        assertThat(model.iterations()).isEqualTo(2L * rounds);
    }

    /**
     * What ParallelWrapper's averaging should make of {@code network}: each round, one copy trains the next batch and
     * another the one after; parameters and optimizer state become the mean of the two.
     */
    private static ComputationGraph averagedRounds(ComputationGraph network, DataSetIterator batches, int rounds) {
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

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    private static ComputationGraph tinyGraph(int classes) {
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
