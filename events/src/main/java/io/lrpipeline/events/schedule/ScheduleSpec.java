package io.lrpipeline.events.schedule;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A schedule as data: a kind and its numeric parameters, as it travels in events and commands.
 * {@link #toSchedule()} turns it into the pure function; an unknown kind or a missing parameter is an
 * {@link IllegalArgumentException} naming what is wrong.
 */
public record ScheduleSpec(String kind, Map<String, Double> params) {
    public static final String STEP_DECAY = "step-decay";
    public static final String CONSTANT = "constant";

    public ScheduleSpec {
        Objects.requireNonNull(kind, "kind");
        params = Map.copyOf(params == null ? Map.of() : params);
    }

    public Schedule toSchedule() {
        return switch (kind) {
            case STEP_DECAY -> new StepDecay(
                    require("initial"), require("factor"), (int) require("every"), (int) optional("offset", 0));
            case CONSTANT -> new Constant(require("rate"));
            default -> throw new IllegalArgumentException(
                    "unknown schedule kind '" + kind + "' (known: " + STEP_DECAY + ", " + CONSTANT + ")");
        };
    }

    private double require(String name) {
        Double value = params.get(name);
        if (value == null || !Double.isFinite(value)) {
            throw new IllegalArgumentException(kind + " needs a finite number '" + name + "', got " + new TreeMap<>(params));
        }
        return value;
    }

    private double optional(String name, double fallback) {
        return params.containsKey(name) ? require(name) : fallback;
    }
}
