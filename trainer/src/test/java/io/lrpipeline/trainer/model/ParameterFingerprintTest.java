package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The check by which the Spark driver knows its replicas started each step from its model. */
class ParameterFingerprintTest {
    private static final INDArray MODEL = Nd4j.rand(DataType.FLOAT, 1, 200_000).subi(0.5);

    @Test
    void aCopyOfTheModelMatches() {
        assertThat(ParameterFingerprint.of(MODEL.dup()).sameAs(ParameterFingerprint.of(MODEL))).isTrue();
    }

    @Test
    void theSameParametersSummedInAnotherOrderMatch() {
        INDArray reversed = Nd4j.reverse(MODEL.dup());
        assertThat(ParameterFingerprint.of(reversed).sameAs(ParameterFingerprint.of(MODEL))).isTrue();
    }

    @Test
    void aModelOneSmallStepAwayDoesNot() {
        INDArray stepped = MODEL.dup();
        stepped.putScalar(0, 1, stepped.getFloat(0, 1) + 1e-4f);
        assertThat(ParameterFingerprint.of(stepped).sameAs(ParameterFingerprint.of(MODEL))).isFalse();
    }

    /** Up on one, down on another: the sum is unchanged, and the L1 norm too where both keep their sign. */
    @Test
    void aStepThatMovesParametersBothWaysIsCaught() {
        INDArray stepped = MODEL.dup();
        stepped.putScalar(0, 1, 0.3f);
        stepped.putScalar(0, 2, 0.1f);
        INDArray moved = stepped.dup();
        moved.putScalar(0, 1, 0.31f);
        moved.putScalar(0, 2, 0.09f);
        assertThat(ParameterFingerprint.of(moved).sameAs(ParameterFingerprint.of(stepped))).isFalse();
    }
}
