package io.lrpipeline.events.schedule;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Named schedules a user can ask for by name. The README lists each with its first ten values. */
public final class Presets {
    /** The paper's recipe: 0.045, decayed by 0.94 every two epochs: 0.045, 0.045, 0.0423, 0.0423, … */
    public static final String INCEPTION_V4 = "inception-v4";
    /** The seed's Keras callback, {@code 0.045 · 0.94^floor((1 + epoch) / 2)}: 0.045, 0.0423, 0.0423, … */
    public static final String KERAS_STEP_DECAY = "keras-step-decay";
    /**
     * The paper's recipe after three warmup epochs to 0.045 (0.01125, 0.0225, 0.03375, then 0.0423, …): for short runs
     * from random weights, where 0.045 from the first step overshoots (the local quick start's default).
     */
    public static final String INCEPTION_V4_WARMUP = "inception-v4-warmup";
    /** {@code 0.045 · 0.97^epoch}: about the paper's decay, every epoch instead of in steps. */
    public static final String EXPONENTIAL = "exponential";
    /** Two warmup epochs to 0.045, then a half cosine down to 0.0001 at epoch 40. */
    public static final String COSINE_WARMUP = "cosine-warmup";
    /** 0.045, halved when validation accuracy has not improved by 0.001 for 2 epochs, then 1 epoch of cooldown. */
    public static final String REDUCE_ON_PLATEAU = "reduce-on-plateau";

    private static final Map<String, ScheduleSpec> BY_NAME = Map.of(
            INCEPTION_V4, stepDecay(0, 0),
            INCEPTION_V4_WARMUP, stepDecay(0, 3),
            KERAS_STEP_DECAY, stepDecay(1, 0),
            EXPONENTIAL, new ScheduleSpec(ScheduleSpec.EXPONENTIAL, Map.of("initial", 0.045, "gamma", 0.97)),
            COSINE_WARMUP, new ScheduleSpec(ScheduleSpec.COSINE,
                    Map.of("peak", 0.045, "warmupEpochs", 2.0, "totalEpochs", 40.0, "min", 0.0001)),
            REDUCE_ON_PLATEAU, new ScheduleSpec(ScheduleSpec.REDUCE_ON_PLATEAU, Map.of("initial", 0.045, "factor", 0.5,
                    "patience", 2.0, "cooldown", 1.0, "minRate", 1e-5, "minDelta", 0.001), "validation/accuracy", null));

    private static ScheduleSpec stepDecay(int offset, int warmupEpochs) {
        Map<String, Double> params = new HashMap<>(Map.of("initial", 0.045, "factor", 0.94, "every", 2.0, "offset", (double) offset));
        if (warmupEpochs > 0) {
            params.put("warmupEpochs", (double) warmupEpochs);
        }
        return new ScheduleSpec(ScheduleSpec.STEP_DECAY, params);
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
