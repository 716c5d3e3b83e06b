package io.lrpipeline.events.schedule;

import java.util.Set;
import java.util.TreeSet;
import java.util.Map;

/** Named schedules a user can ask for by name. */
public final class Presets {
    /** The paper's recipe: 0.045, decayed by 0.94 every two epochs: 0.045, 0.045, 0.0423, 0.0423, … */
    public static final String INCEPTION_V4 = "inception-v4";
    /** The seed's Keras callback, {@code 0.045 · 0.94^floor((1 + epoch) / 2)}: 0.045, 0.0423, 0.0423, … */
    public static final String KERAS_STEP_DECAY = "keras-step-decay";

    private static final Map<String, ScheduleSpec> BY_NAME = Map.of(
            INCEPTION_V4, stepDecay(0),
            KERAS_STEP_DECAY, stepDecay(1));

    private static ScheduleSpec stepDecay(int offset) {
        return new ScheduleSpec(ScheduleSpec.STEP_DECAY,
                Map.of("initial", 0.045, "factor", 0.94, "every", 2.0, "offset", (double) offset));
    }

    /** The preset called {@code name}; an unknown name is an error listing the known ones. */
    public static ScheduleSpec named(String name) {
        ScheduleSpec spec = BY_NAME.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown schedule preset '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return spec;
    }

    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    private Presets() {}
}
