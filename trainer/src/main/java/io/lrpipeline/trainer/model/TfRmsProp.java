package io.lrpipeline.trainer.model;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * RMSProp as TensorFlow 1's {@code RMSPropOptimizer} computes it, the optimizer of the Inception-v4 recipe (timm's
 * {@code RMSpropTF} is the same rule), per parameter with gradient {@code g}:
 * <pre>
 *   ms  ← ρ·ms + (1−ρ)·g²          (ms starts at 1)
 *   mom ← μ·mom + lr·g / √(ms + ε)
 *   w   ← w − mom
 * </pre>
 * The learning rate sits inside the momentum buffer, so a new rate takes effect through it and the buffer carries
 * over. DL4J's own {@code RmsProp} differs: {@code lr·g / (√ms + ε)}, no momentum, ms starting at 0. The state
 * ({@code ms} then {@code mom}) is the updater state DL4J saves with a model.
 */
public final class TfRmsProp implements IUpdater {
    public static final double DEFAULT_DECAY = 0.9;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_EPSILON = 1.0;

    private double learningRate;
    private ISchedule learningRateSchedule;
    private final double decay;
    private final double momentum;
    private final double epsilon;

    /** The recipe's ρ = 0.9, μ = 0.9, ε = 1.0. */
    public TfRmsProp(double learningRate) {
        this(learningRate, null, DEFAULT_DECAY, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    public TfRmsProp(@JsonProperty("learningRate") double learningRate,
            @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
            @JsonProperty("decay") double decay,
            @JsonProperty("momentum") double momentum,
            @JsonProperty("epsilon") double epsilon) {
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.decay = decay;
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    public GradientUpdater<TfRmsProp> instantiate(INDArray viewArray, boolean initializeViewArray) {
        TfRmsPropUpdater updater = new TfRmsPropUpdater(this);
        long[] gradientShape = viewArray.shape().clone();
        gradientShape[gradientShape.length - 1] /= 2; // the view is [1, 2n]: ms and mom, each the gradient's [1, n]
        updater.setStateViewArray(viewArray, gradientShape, viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater<TfRmsProp> instantiate(Map<String, INDArray> state, boolean initialize) {
        TfRmsPropUpdater updater = new TfRmsPropUpdater(this);
        updater.setState(state, initialize);
        return updater;
    }

    @Override
    public TfRmsProp clone() {
        return new TfRmsProp(learningRate, learningRateSchedule, decay, momentum, epsilon);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @JsonProperty("learningRate")
    public double getLearningRate() {
        return learningRate;
    }

    @JsonProperty("learningRateSchedule")
    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    @JsonProperty("decay")
    public double getDecay() {
        return decay;
    }

    @JsonProperty("momentum")
    public double getMomentum() {
        return momentum;
    }

    @JsonProperty("epsilon")
    public double getEpsilon() {
        return epsilon;
    }

    /** DL4J puts layers whose updaters are equal into one block with one state array. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TfRmsProp that && Double.compare(learningRate, that.learningRate) == 0
                && Objects.equals(learningRateSchedule, that.learningRateSchedule) && decay == that.decay
                && momentum == that.momentum && epsilon == that.epsilon;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, decay, momentum, epsilon);
    }

    @Override
    public String toString() {
        return "TfRmsProp(lr=%s, decay=%s, momentum=%s, epsilon=%s)".formatted(learningRate, decay, momentum, epsilon);
    }
}
