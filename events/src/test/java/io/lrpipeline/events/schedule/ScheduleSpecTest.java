package io.lrpipeline.events.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {
    @Test
    void constantSpecGivesTheSameRateForEveryEpoch() {
        Schedule constant = new ScheduleSpec("constant", Map.of("rate", 0.01)).toSchedule();

        assertThat(constant.at(0)).isEqualTo(0.01);
        assertThat(constant.at(99)).isEqualTo(0.01);
    }

    @Test
    void rejectsUnknownKindNamingTheKnownOnes() {
        assertThatThrownBy(() -> new ScheduleSpec("wiggle", Map.of()).toSchedule())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown schedule kind 'wiggle'")
                .hasMessageContaining("step-decay");
    }

    @Test
    void rejectsStepDecayWithoutFactor() {
        assertThatThrownBy(() -> new ScheduleSpec("step-decay", Map.of("initial", 0.1, "every", 2.0)).toSchedule())
                .hasMessageContaining("'factor'");
    }

    @Test
    void rejectsUnknownPresetNamingTheKnownOnes() {
        assertThatThrownBy(() -> Presets.named("resnet"))
                .hasMessageContaining("inception-v4, keras-step-decay");
    }
}
