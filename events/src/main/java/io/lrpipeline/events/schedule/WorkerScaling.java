package io.lrpipeline.events.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Scales a schedule's rate with the number of workers (Goyal et al. 2017): by {@code workers / referenceWorkers}
 * ({@code linear}), its square root ({@code sqrt}) or not at all ({@code none}), reached linearly over
 * {@code warmupEpochs} epochs from the unscaled rate at epoch 0.
 */
public record WorkerScaling(Rule rule, int warmupEpochs, int referenceWorkers) {
    public enum Rule {
        @JsonProperty("linear") LINEAR,
        @JsonProperty("sqrt") SQRT,
        @JsonProperty("none") NONE
    }

    public WorkerScaling {
        if (rule == null) {
            throw new IllegalArgumentException("scaling needs a rule: linear, sqrt or none");
        }
        if (warmupEpochs < 0 || referenceWorkers < 1) {
            throw new IllegalArgumentException("scaling needs warmupEpochs >= 0 and referenceWorkers >= 1, got "
                    + warmupEpochs + " and " + referenceWorkers);
        }
    }

    /** The multiplier for {@code epoch} in a run of {@code workers} workers. */
    public double factor(int epoch, int workers) {
        double ratio = (double) Math.max(workers, 1) / referenceWorkers;
        double full = switch (rule) {
            case LINEAR -> ratio;
            case SQRT -> Math.sqrt(ratio);
            case NONE -> 1.0;
        };
        double ramp = warmupEpochs == 0 ? 1.0 : Math.min(1.0, (double) epoch / warmupEpochs);
        return 1.0 + (full - 1.0) * ramp;
    }
}
