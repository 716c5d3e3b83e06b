package io.lrpipeline.events.schedule;

import java.util.List;

/**
 * Keras' {@code ReduceLROnPlateau} as a pure fold over the monitored metric, one value per finished epoch:
 * when the metric has not improved by more than {@code minDelta} for {@code patience} epochs, the rate is
 * multiplied by {@code factor} (never below {@code minRate}) and {@code cooldown} epochs pass before waiting
 * starts again. {@code monitor} says which metric and whether higher ({@code accuracy}) or lower ({@code loss}) is better.
 */
public record ReduceOnPlateau(double initial, Monitor monitor, double factor, int patience, int cooldown, double minRate,
        double minDelta) {
    /** The metrics the trainers publish at each epoch's end that a plateau can watch. */
    public enum Monitor {
        /** Held-out accuracy: higher is better. */
        ACCURACY(true),
        /** Mean training loss of the epoch: lower is better. */
        LOSS(false);

        private final boolean higherIsBetter;

        Monitor(boolean higherIsBetter) {
            this.higherIsBetter = higherIsBetter;
        }

        public static Monitor named(String name) {
            for (Monitor monitor : values()) {
                if (monitor.name().equalsIgnoreCase(name)) {
                    return monitor;
                }
            }
            throw new IllegalArgumentException("unknown monitor '" + name + "' (known: accuracy, loss)");
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
