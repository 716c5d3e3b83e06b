package io.lrpipeline.events.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {
    @Test
    void constantSpecGivesTheSameRateForEveryEpoch() {
        Schedule constant = new ScheduleSpec("constant", Map.of("rate", 0.01)).schedule();

        assertThat(constant.at(0)).isEqualTo(0.01);
        assertThat(constant.at(99)).isEqualTo(0.01);
    }

    @Test
    void rejectsUnknownKindNamingTheKnownOnes() {
        assertThatThrownBy(() -> new ScheduleSpec("wiggle", Map.of()).schedule())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown schedule kind 'wiggle'")
                .hasMessageContaining("step-decay");
    }

    @Test
    void rejectsStepDecayWithoutFactor() {
        assertThatThrownBy(() -> new ScheduleSpec("step-decay", Map.of("initial", 0.1, "every", 2.0)).schedule())
                .hasMessageContaining("'factor'");
    }

    @Test
    void rejectsUnknownPresetNamingTheKnownOnes() {
        assertThatThrownBy(() -> Presets.named("resnet"))
                .hasMessageContaining("inception-v4, inception-v4-warmup, keras-step-decay");
    }

    @Test
    void rejectsAParameterTheKindDoesNotHave() {
        assertThatThrownBy(() -> new ScheduleSpec("exponential", Map.of("initial", 0.1, "gamma", 0.9, "decay", 0.5)).validate())
                .hasMessageContaining("unknown parameter 'decay' for exponential (known: gamma, initial)");
    }

    @Test
    void rejectsAFractionalStepLength() {
        assertThatThrownBy(() -> new ScheduleSpec("step-decay", Map.of("initial", 0.1, "factor", 0.9, "every", 1.5)).validate())
                .hasMessageContaining("whole number 'every'");
    }

    @Test
    void rejectsPiecewiseWithoutEpochZero() {
        assertThatThrownBy(() -> new ScheduleSpec("piecewise", Map.of("5", 0.1)).validate())
                .hasMessageContaining("rate for epoch 0");
    }

    @Test
    void everyPresetIsValid() {
        for (String name : Presets.names()) {
            Presets.named(name).validate();
        }
        assertThat(Presets.names()).hasSize(6);
    }
}
