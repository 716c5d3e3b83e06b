package io.lrpipeline.events.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StepDecayTest {
    private static final double EXACT = 1e-12;

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({
        "0, 0.045",
        "1, 0.0423",
        "2, 0.0423",
        "3, 0.039762",
        "4, 0.039762",
        "5, 0.03737628",
        "6, 0.03737628",
        "7, 0.0351337032",
        "9, 0.033025681008",
        "10, 0.033025681008",
    })
    void kerasPresetGivesTheSeedsNumbers(int epoch, double expected) {
        Schedule seed = Presets.named(Presets.KERAS_STEP_DECAY).schedule();

        assertThat(seed.at(epoch)).isCloseTo(expected, within(EXACT));
        assertThat(seed.at(epoch)).isCloseTo(0.045 * Math.pow(0.94, Math.floor((1 + epoch) / 2.0)), within(EXACT));
    }

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({
        "0, 0.045",
        "1, 0.045",
        "2, 0.0423",
        "3, 0.0423",
        "4, 0.039762",
        "5, 0.039762",
        "6, 0.03737628",
        "8, 0.0351337032",
        "9, 0.0351337032",
        "10, 0.033025681008",
    })
    void inceptionV4PresetDecaysEveryTwoEpochsLikeThePaper(int epoch, double expected) {
        Schedule paper = Presets.named(Presets.INCEPTION_V4).schedule();

        assertThat(paper.at(epoch)).isCloseTo(expected, within(EXACT));
    }

    @ParameterizedTest(name = "every {0}, offset {1}, epoch {2} -> {3}")
    @CsvSource({
        "1, 0, 0, 1.0",
        "1, 0, 3, 0.125",
        "3, 0, 2, 1.0",
        "3, 0, 3, 0.5",
        "3, 2, 1, 0.5",
    })
    void dropsByFactorEveryPeriod(int every, int offset, int epoch, double expected) {
        assertThat(new StepDecay(1.0, 0.5, every, offset, 0).at(epoch)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({
        "0, 0.01125",
        "1, 0.0225",
        "2, 0.03375",
        "3, 0.0423",
        "4, 0.039762",
        "5, 0.039762",
        "6, 0.03737628",
    })
    void warmupPresetRampsForThreeEpochsThenFollowsThePapersDrops(int epoch, double expected) {
        Schedule warmedUp = Presets.named(Presets.INCEPTION_V4_WARMUP).schedule();

        assertThat(warmedUp.at(epoch)).isCloseTo(expected, within(EXACT));
    }
}
