package io.lrpipeline.trainer.model;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sum, L1 norm and sum of squares of a network's parameters, computed in double precision: two copies of one
 * model agree to rounding (the order of a parallel sum differs from machine to machine), while a copy one optimizer
 * step away differs by far more, unless the step moved nothing. The sum alone misses moves that cancel, the L1 norm
 * moves that keep signs; the squares catch those.
 */
record ParameterFingerprint(double sum, double norm1, double sumOfSquares) implements Serializable {
    /** Relative to the L1 norm (and the squares' own size): float parameters summed in double in any order agree far closer. */
    private static final double TOLERANCE = 1e-9;

    static ParameterFingerprint of(INDArray parameters) {
        INDArray exact = parameters.castTo(DataType.DOUBLE);
        double norm2 = exact.norm2Number().doubleValue();
        return new ParameterFingerprint(exact.sumNumber().doubleValue(), exact.norm1Number().doubleValue(), norm2 * norm2);
    }

    boolean sameAs(ParameterFingerprint other) {
        double scale = TOLERANCE * Math.max(1, norm1);
        return Math.abs(sum - other.sum) <= scale && Math.abs(norm1 - other.norm1) <= scale
                && Math.abs(sumOfSquares - other.sumOfSquares) <= TOLERANCE * Math.max(1, sumOfSquares);
    }
}
