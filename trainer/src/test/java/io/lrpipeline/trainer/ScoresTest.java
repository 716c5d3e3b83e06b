package io.lrpipeline.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lrpipeline.events.Evaluation;
import org.junit.jupiter.api.Test;

class ScoresTest {
    @Test
    void meanCrossEntropyTopOneAndTopFive() {
        Scores scores = new Scores(7);
        scores.add(new float[] {0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f}, 0); // top-1
        scores.add(new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.05f, 0.03f, 0.02f}, 4); // 5th: top-5 only
        scores.add(new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.05f, 0.03f, 0.02f}, 6); // 7th: neither

        Evaluation evaluation = scores.evaluation();

        assertThat(evaluation.loss()).isCloseTo(-(Math.log(0.5f) + Math.log(0.05f) + Math.log(0.02f)) / 3, within(1e-9));
        assertThat(evaluation.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(evaluation.top5Accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(evaluation.samples()).isEqualTo(3);
    }

    @Test
    void tiesGoToTheLowestClassAsArgMaxDoesAndFiveClassesHaveNoTopFive() {
        Scores scores = new Scores(3);
        scores.add(new float[] {0.4f, 0.4f, 0.2f}, 0);
        scores.add(new float[] {0.4f, 0.4f, 0.2f}, 1);
        scores.add(new float[] {0f, 1f, 0f}, 0);

        Evaluation evaluation = scores.evaluation();

        assertThat(evaluation.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(evaluation.top5Accuracy()).isNull();
        assertThat(evaluation.loss()).isCloseTo(-(2 * Math.log(0.4f) + Math.log(1e-12)) / 3, within(1e-9));
    }
}
