package io.lrpipeline.trainer.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * "Precise BatchNorm" (Wu and Johnson, "Rethinking 'Batch' in BatchNorm", 2021): replaces every BatchNorm layer's
 * moving mean and variance with the statistics of its input under the current weights, pooled over a few training
 * batches run forward in training mode. BatchNorm's moving averages mix statistics of weights the model no longer
 * has; early in training, with weights moving fast, inference through ~150 such layers compounds the mismatch
 * (measured here: a validation loss of ~25 where the same images in training mode scored 2.6).
 */
final class PreciseBatchNorm {
    private PreciseBatchNorm() {}

    /** Recomputes the statistics from up to {@code batches} batches of {@code data}; nothing changes if it has none. */
    static void recompute(ComputationGraph graph, DataSetIterator data, int batches) {
        List<BatchNormalization> layers = Arrays.stream(graph.getLayers()).filter(BatchNormalization.class::isInstance)
                .map(BatchNormalization.class::cast).toList();
        Map<String, INDArray> sums = new HashMap<>();
        Map<String, INDArray> squareSums = new HashMap<>();
        int seen = 0;
        while (seen < batches && data.hasNext()) {
            DataSet batch = data.next();
            Map<String, INDArray> activations = graph.feedForward(new INDArray[] {batch.getFeatures()}, true, false);
            for (BatchNormalization layer : layers) {
                INDArray input = activations.get(inputOf(graph, layer));
                int[] perChannel = input.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
                sums.merge(name(layer), input.mean(perChannel), INDArray::addi);
                squareSums.merge(name(layer), input.mul(input).mean(perChannel), INDArray::addi);
            }
            seen++;
        }
        if (seen == 0) {
            return;
        }
        for (BatchNormalization layer : layers) {
            INDArray mean = sums.get(name(layer)).divi(seen);
            INDArray variance = Transforms.max(squareSums.get(name(layer)).divi(seen).subi(mean.mul(mean)), 0.0, false);
            Map<String, INDArray> parameters = layer.paramTable();
            INDArray globalMean = parameters.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            globalMean.assign(mean.reshape(globalMean.shape()));
            INDArray log10Std = parameters.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
            if (log10Std != null) {
                double epsilon = ((org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer()).getEps();
                log10Std.assign(Transforms.log(Transforms.sqrt(variance.add(epsilon), false), 10, false).reshape(log10Std.shape()));
            } else {
                INDArray globalVariance = parameters.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
                globalVariance.assign(variance.reshape(globalVariance.shape()));
            }
        }
    }

    private static String name(Layer layer) {
        return layer.conf().getLayer().getLayerName();
    }

    private static String inputOf(ComputationGraph graph, Layer layer) {
        return graph.getConfiguration().getVertexInputs().get(name(layer)).get(0);
    }
}
