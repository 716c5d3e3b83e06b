package io.lrpipeline.trainer.model;

import java.util.Arrays;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;

/** The optimizers a trainer offers, by their command-line names. */
public enum Optimizer {
    /** TensorFlow's RMSProp as the Inception-v4 recipe used it: ρ 0.9, momentum 0.9, ε 1.0 (see {@link TfRmsProp}). */
    RMSPROP_TF("rmsprop-tf"),
    /** DL4J's RMSProp with the recipe's ρ 0.9 and ε 1.0: {@code lr·g/(√ms + ε)}, no momentum. */
    RMSPROP("rmsprop"),
    /** SGD with Nesterov momentum 0.9 (DL4J's {@code Nesterovs}). */
    SGD_MOMENTUM("sgd-momentum"),
    /** Adam with β1 0.9, β2 0.999, ε 1e-8. */
    ADAM("adam");

    private final String cliName;

    Optimizer(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Optimizer named(String name) {
        return Arrays.stream(values()).filter(o -> o.cliName.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown optimizer '" + name + "' (known: rmsprop-tf, rmsprop, sgd-momentum, adam)"));
    }

    /** This optimizer's DL4J updater starting at {@code learningRate}. */
    public IUpdater updater(double learningRate) {
        return switch (this) {
            case RMSPROP_TF -> new TfRmsProp(learningRate);
            case RMSPROP -> RmsProp.builder().learningRate(learningRate).rmsDecay(0.9).epsilon(1.0).build();
            case SGD_MOMENTUM -> new Nesterovs(learningRate, 0.9);
            case ADAM -> Adam.builder().learningRate(learningRate).build();
        };
    }
}
