package io.lrpipeline.trainer.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The state and step of {@link TfRmsProp}: {@code ms} and {@code mom}, halves of one state array DL4J owns. */
final class TfRmsPropUpdater implements GradientUpdater<TfRmsProp> {
    static final String MEAN_SQUARE = "ms";
    static final String MOMENTUM = "mom";

    private final TfRmsProp config;
    private INDArray meanSquare;
    private INDArray momentum;

    TfRmsPropUpdater(TfRmsProp config) {
        this.config = config;
    }

    @Override
    public TfRmsProp getConfig() {
        return config;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        long half = viewArray.length() / 2;
        INDArray flat = viewArray.reshape(viewArray.length());
        meanSquare = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(0, half)), gradientShape, gradientOrder == 'f');
        momentum = Shape.newShapeNoCopy(flat.get(NDArrayIndex.interval(half, 2 * half)), gradientShape, gradientOrder == 'f');
        if (meanSquare == null || momentum == null) {
            throw new IllegalStateException("cannot view the TF-RMSProp state as the gradient's shape");
        }
        if (initialize) {
            meanSquare.assign(1.0);
            momentum.assign(0.0);
        }
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
        if (!state.containsKey(MEAN_SQUARE) || !state.containsKey(MOMENTUM)) {
            throw new IllegalStateException("TF-RMSProp state needs " + MEAN_SQUARE + " and " + MOMENTUM + ", got " + state.keySet());
        }
        meanSquare = state.get(MEAN_SQUARE);
        momentum = state.get(MOMENTUM);
        if (initialize) {
            meanSquare.assign(1.0);
            momentum.assign(0.0);
        }
    }

    @Override
    public Map<String, INDArray> getState() {
        return Map.of(MEAN_SQUARE, meanSquare, MOMENTUM, momentum);
    }

    /** Replaces {@code gradient} with the step DL4J subtracts from the parameters: the new momentum. */
    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (meanSquare == null) {
            throw new IllegalStateException("TF-RMSProp has no state yet");
        }
        double rho = config.getDecay();
        double learningRate = config.getLearningRate(iteration, epoch);
        meanSquare.muli(rho).addi(gradient.mul(gradient).muli(1 - rho));
        INDArray scaled = gradient.mul(learningRate).divi(Transforms.sqrt(meanSquare.add(config.getEpsilon()), false));
        momentum.muli(config.getMomentum()).addi(scaled);
        gradient.assign(momentum);
    }
}
