package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InceptionV4Test {
    @Test
    void fullWidthModelHasThePapersParameterCount() {
        ComputationGraph graph = new ComputationGraph(InceptionV4.configuration(new InceptionV4.Shape(299, 3, 1000, 1.0), InceptionV4.Regularization.TF_SLIM, new TfRmsProp(0.045), 1));
        graph.init();

        long runningStatistics = graph.paramTable().entrySet().stream()
                .filter(e -> isRunningStatistic(e.getKey()))
                .mapToLong(e -> e.getValue().length())
                .sum();
        long trainable = graph.numParams() - runningStatistics;

        // Conv weights (no bias) + BatchNorm gamma/beta + the 1536→1000 softmax layer.
        assertThat(trainable).isEqualTo(42_679_816L);
        // numParams() also counts BatchNorm's running mean and variance: 2 × 31,584 channels more.
        assertThat(graph.numParams()).isEqualTo(42_742_984L);
    }

    /** BatchNorm's running mean and variance (DL4J stores the variance as log10 of the std by default). */
    private static boolean isRunningStatistic(String key) {
        String param = key.substring(key.lastIndexOf('_') + 1);
        return param.equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                || param.equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                || param.equals(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
    }

    @Test
    void smallestInputGivesOneProbabilityPerClass() {
        ComputationGraph graph = new ComputationGraph(InceptionV4.configuration(new InceptionV4.Shape(75, 1, 10, 0.0625), InceptionV4.Regularization.TF_SLIM, new TfRmsProp(0.045), 1));
        graph.init();

        INDArray output = graph.outputSingle(Nd4j.rand(2, 1, 75, 75));

        assertThat(output.shape()).containsExactly(2, 10);
        assertThat(output.sumNumber().doubleValue()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-4));
    }

    @Test
    void rejectsInputSmallerThanTheStemAccepts() {
        assertThatThrownBy(() -> new InceptionV4.Shape(74, 1, 10, 0.25))
                .hasMessageContaining("at least 75");
    }
}
