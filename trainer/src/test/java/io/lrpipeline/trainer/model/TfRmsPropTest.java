package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** TF's RMSProp step by step against hand-computed values: ρ 0.9, μ 0.9, ε 1.0, ms starting at 1, w starting at 1. */
class TfRmsPropTest {
    /**
     * Two parameters, four steps each; the rate drops from 0.1 to 0.01 before step 3, and the momentum built at 0.1
     * carries on. Columns: step, gradients of both, rate, then ms, mom and w of both after the step.
     */
    @ParameterizedTest(name = "step {0}")
    @CsvSource({
        "1,  2.0, 0.3, 0.1,  1.3000000, 0.1318761, 0.8681239,  0.9090000, 0.0217129, 0.9782871",
        "2, -1.0, 0.3, 0.1,  1.2700000, 0.0523162, 0.8158078,  0.8271000, 0.0417359, 0.9365512",
        "3,  0.5, -4.0, 0.01, 1.1680000, 0.0504803, 0.7653274,  2.3443900, 0.0156896, 0.9208616",
        "4,  0.5, 0.0, 0.01, 1.0762000, 0.0489023, 0.7164251,  2.1099510, 0.0141207, 0.9067409",
    })
    void followsTheFormulaStepByStep(int upTo, double g1, double g2, double rate, double ms1, double mom1, double w1,
            double ms2, double mom2, double w2) {
        double[][] gradients = {{2.0, 0.3}, {-1.0, 0.3}, {0.5, -4.0}, {0.5, 0.0}};
        double[] rates = {0.1, 0.1, 0.01, 0.01};
        assertThat(gradients[upTo - 1]).containsExactly(g1, g2);
        assertThat(rates[upTo - 1]).isEqualTo(rate);

        TfRmsProp config = new TfRmsProp(rates[0]);
        INDArray state = Nd4j.create(DataType.DOUBLE, 1, 4);
        GradientUpdater<TfRmsProp> updater = config.instantiate(state, true);
        INDArray weights = Nd4j.createFromArray(new double[][] {{1.0, 1.0}});
        for (int step = 0; step < upTo; step++) {
            config.setLrAndSchedule(rates[step], null);
            INDArray update = Nd4j.createFromArray(new double[][] {gradients[step]});
            updater.applyUpdater(update, step, 0);
            weights.subi(update);
        }

        INDArray ms = updater.getState().get("ms");
        INDArray mom = updater.getState().get("mom");
        assertThat(ms.getDouble(0)).isCloseTo(ms1, within(1e-7));
        assertThat(mom.getDouble(0)).isCloseTo(mom1, within(1e-7));
        assertThat(weights.getDouble(0)).isCloseTo(w1, within(1e-7));
        assertThat(ms.getDouble(1)).isCloseTo(ms2, within(1e-7));
        assertThat(mom.getDouble(1)).isCloseTo(mom2, within(1e-7));
        assertThat(weights.getDouble(1)).isCloseTo(w2, within(1e-7));
    }

    @Test
    void aNewRateSetOnTheModelKeepsTheMomentumBuffer() {
        ComputationGraph graph = tinyGraph();
        DataSet batch = batch();
        graph.fit(batch);
        graph.fit(batch);
        INDArray before = graph.getUpdater().getStateViewArray().dup();

        graph.setLearningRate(0.001);

        assertThat(graph.getUpdater().getStateViewArray()).isEqualTo(before);
        assertThat(((TfRmsProp) graph.getLayer("hidden").getConfig().getUpdaterByParam("W")).getLearningRate()).isEqualTo(0.001);
    }

    @Test
    void itsStateSurvivesDl4jsModelSerialisation(@TempDir Path dir) throws Exception {
        ComputationGraph graph = tinyGraph();
        DataSet batch = batch();
        for (int i = 0; i < 3; i++) {
            graph.fit(batch);
        }
        File saved = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(graph, saved, true);

        ComputationGraph restored = ModelSerializer.restoreComputationGraph(saved, true);

        assertThat(restored.getLayer("hidden").getConfig().getUpdaterByParam("W")).isEqualTo(new TfRmsProp(0.05));
        assertThat(restored.getUpdater().getStateViewArray()).isEqualTo(graph.getUpdater().getStateViewArray());
        graph.fit(batch);
        restored.fit(batch);
        assertThat(restored.params()).isEqualTo(graph.params());
    }

    private static ComputationGraph tinyGraph() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new TfRmsProp(0.05))
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out")
                .build());
        graph.init();
        return graph;
    }

    private static DataSet batch() {
        return new DataSet(Nd4j.createFromArray(new double[][] {{1, 0, 0.5, -1}, {0, 1, -0.5, 1}}),
                Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}}));
    }
}
