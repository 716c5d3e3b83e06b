package io.lrpipeline.events.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lrpipeline.events.schedule.ReduceOnPlateau.Monitor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keras' ReduceLROnPlateau rules, one table row per metric history (values separated by spaces). */
class ReduceOnPlateauTest {
    // initial 0.1, factor 0.5, patience 2, cooldown 1, minRate 0.02, minDelta 0.01
    private static final ReduceOnPlateau ON_ACCURACY = new ReduceOnPlateau(0.1, Monitor.VALIDATION_ACCURACY, 0.5, 2, 1, 0.02, 0.01);
    private static final ReduceOnPlateau ON_LOSS = new ReduceOnPlateau(0.1, Monitor.VALIDATION_LOSS, 0.5, 2, 0, 0.0, 0.0);

    @ParameterizedTest(name = "accuracy [{0}] -> {1}")
    @CsvSource({
        "'', 0.1",                                      // nothing seen yet: the initial rate
        "0.5, 0.1",
        "0.5 0.6 0.7 0.8, 0.1",                         // improving every epoch
        "0.5 0.5, 0.1",                                 // one flat epoch: patience is 2
        "0.5 0.5 0.5, 0.05",                            // two flat epochs: halved
        "0.5 0.505 0.509, 0.05",                        // gains below minDelta do not count
        "0.5 0.5 0.5 0.5, 0.05",                        // cooldown: the next flat epoch does not count
        "0.5 0.5 0.5 0.5 0.5 0.5, 0.025",               // after cooldown, two more flat epochs: halved again
        "0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5, 0.02", // never below minRate
        "0.5 0.5 0.6 0.6, 0.1",                         // improvement resets the wait
        "0.5 NaN NaN NaN 0.6, 0.1",                     // epochs no worker validated are not counted
        "0.5 0.5 NaN 0.5, 0.05",
    })
    void reducesWhenAccuracyStopsImproving(String history, double expected) {
        assertThat(ON_ACCURACY.rateAfter(values(history))).isCloseTo(expected, within(1e-15));
    }

    @ParameterizedTest(name = "loss [{0}] -> {1}")
    @CsvSource({"2.0 1.5 1.0, 0.1", "2.0 2.0 2.0, 0.05", "2.0 2.5 3.0, 0.05", "2.0 2.0 2.0 2.0 2.0, 0.025"})
    void lossMustFallToCountAsImprovement(String history, double expected) {
        assertThat(ON_LOSS.rateAfter(values(history))).isCloseTo(expected, within(1e-15));
    }

    @ParameterizedTest(name = "monitor {0}")
    @CsvSource({"validation/accuracy, VALIDATION_ACCURACY", "accuracy, VALIDATION_ACCURACY", "validation/loss, VALIDATION_LOSS",
        "loss, TRAINING_LOSS", "training/loss, TRAINING_LOSS"})
    void monitorsAreNamedAsTheirTensorBoardTags(String name, Monitor expected) {
        assertThat(Monitor.named(name)).isEqualTo(expected);
    }

    private static List<Double> values(String history) {
        return history.isBlank() ? List.of() : Arrays.stream(history.trim().split(" ")).map(Double::valueOf).toList();
    }
}
