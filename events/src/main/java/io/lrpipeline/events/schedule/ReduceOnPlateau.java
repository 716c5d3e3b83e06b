package io.lrpipeline.events.schedule;

import java.util.List;

/**
 * Keras' {@code ReduceLROnPlateau} as a pure fold over the monitored metric, one value per finished epoch:
 * when the metric has not improved by more than {@code minDelta} for {@code patience} epochs, the rate is
 * multiplied by {@code factor} (never below {@code minRate}) and {@code cooldown} epochs pass before waiting
 * starts again. {@code monitor} says which metric and whether higher or lower is better; an epoch where no worker
 * reported the metric ({@link Double#NaN}) is not counted.
 */
public record ReduceOnPlateau(double initial, Monitor monitor, double factor, int patience, int cooldown, double minRate,
        double minDelta) {
    /** The metrics the trainers publish at each epoch's end that a plateau can watch, by the names a spec uses. */
    public enum Monitor {
        /** Accuracy on the validation split held out of the training data: higher is better. */
        VALIDATION_ACCURACY(true, "validation/accuracy", "accuracy"),
        /** Mean loss on the validation split: lower is better. */
        VALIDATION_LOSS(false, "validation/loss"),
        /** Mean training loss of the epoch: lower is better. */
        TRAINING_LOSS(false, "loss", "training/loss");

        private final boolean higherIsBetter;
        private final List<String> names;

        Monitor(boolean higherIsBetter, String... names) {
            this.higherIsBetter = higherIsBetter;
            this.names = List.of(names);
        }

        /** {@code accuracy} (the validation accuracy) and {@code loss} (the training loss) are the names of schema 1. */
        public static Monitor named(String name) {
            for (Monitor monitor : values()) {
                if (monitor.names.contains(name)) {
                    return monitor;
                }
            }
            throw new IllegalArgumentException("unknown monitor '" + name
                    + "' (known: validation/accuracy, validation/loss, loss; accuracy means validation/accuracy)");
        }

        boolean improves(double value, double best, double minDelta) {
            return higherIsBetter ? value > best + minDelta : value < best - minDelta;
        }
    }

    public ReduceOnPlateau {
        Parameters.requirePositive("initial", initial);
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("reduce-on-plateau needs 0 < factor < 1, got " + factor);
        }
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("patience and cooldown must be >= 0, got " + patience + " and " + cooldown);
        }
        if (!(minRate >= 0 && minRate <= initial) || !(minDelta >= 0)) {
            throw new IllegalArgumentException("reduce-on-plateau needs 0 <= minRate <= initial and minDelta >= 0, got minRate "
                    + minRate + ", minDelta " + minDelta);
        }
    }

    /** The rate for the epoch after {@code observed}, the metric's values of the epochs so far in order. */
    public double rateAfter(List<Double> observed) {
        double rate = initial;
        double best = Double.NaN;
        int wait = 0;
        int cooling = 0;
        for (double value : observed) {
            if (Double.isNaN(value)) {
                continue;
            }
            if (cooling > 0) {
                cooling--;
                wait = 0;
            }
            if (Double.isNaN(best) || monitor.improves(value, best, minDelta)) {
                best = value;
                wait = 0;
            } else if (cooling == 0 && ++wait >= patience) {
                double reduced = Math.max(rate * factor, minRate);
                if (reduced < rate) {
                    rate = reduced;
                    cooling = cooldown;
                }
                wait = 0;
            }
        }
        return rate;
    }
}
