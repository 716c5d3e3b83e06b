package io.lrpipeline.events.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The epoch-only kinds as tables: epoch → expected rate, computed by hand from each formula. */
class ScheduleKindsTest {
    private static final double EXACT = 1e-12;

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({"0, 0.1", "1, 0.09", "2, 0.081", "3, 0.0729", "10, 0.034867844010"})
    void exponentialMultipliesByGammaEveryEpoch(int epoch, double expected) {
        assertThat(new Exponential(0.1, 0.9).at(epoch)).isCloseTo(expected, within(EXACT));
    }

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({"0, 0.1", "29, 0.1", "30, 0.01", "59, 0.01", "60, 0.001", "1000, 0.001"})
    void piecewiseHoldsEachRateUntilTheNextListedEpoch(int epoch, double expected) {
        Schedule table = new ScheduleSpec(ScheduleSpec.PIECEWISE, Map.of("0", 0.1, "30", 0.01, "60", 0.001)).schedule();

        assertThat(table.at(epoch)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({
        "0, 0.03333333333333333",  // peak · 1/3
        "1, 0.06666666666666667",  // peak · 2/3
        "2, 0.1",                  // warmup over: the cosine starts at the peak
        "4, 0.0905463412215599",   // 0.001 + 0.5·(1 + cos(π·2/10))·0.099
        "7, 0.0505",               // half way: (peak + min) / 2
        "12, 0.001",               // the end: min
        "50, 0.001",
    })
    void cosineWarmsUpLinearlyThenFallsToItsMinimum(int epoch, double expected) {
        assertThat(new CosineWithWarmup(0.1, 2, 12, 0.001).at(epoch)).isCloseTo(expected, within(EXACT));
    }

    @ParameterizedTest(name = "{0} workers, epoch {1} -> x{2}")
    @CsvSource({
        "LINEAR, 8, 0, 1.0", "LINEAR, 8, 1, 2.75", "LINEAR, 8, 4, 8.0", "LINEAR, 8, 9, 8.0",
        "SQRT, 4, 0, 1.0", "SQRT, 4, 2, 1.5", "SQRT, 4, 4, 2.0",
        "NONE, 8, 4, 1.0", "LINEAR, 1, 4, 1.0",
    })
    void workerScalingReachesItsFactorOverTheWarmup(WorkerScaling.Rule rule, int workers, int epoch, double expected) {
        assertThat(new WorkerScaling(rule, 4, 1).factor(epoch, workers)).isCloseTo(expected, within(EXACT));
    }

    @ParameterizedTest(name = "epoch {0} -> {1}")
    @CsvSource({"0, 0.1", "1, 0.333333333333333", "2, 0.566666666666667", "3, 0.8", "5, 0.8"})
    void scaledSpecMultipliesTheBaseRate(int epoch, double expected) {
        ScheduleSpec spec = new ScheduleSpec(ScheduleSpec.CONSTANT, Map.of("rate", 0.1), null,
                new WorkerScaling(WorkerScaling.Rule.LINEAR, 3, 2));

        assertThat(spec.rate(epoch, 16, java.util.List.of())).isCloseTo(expected, within(EXACT));
    }
}
