package io.lrpipeline.events.schedule;

/** {@code initial · gamma^epoch}: a smooth decay every epoch. */
public record Exponential(double initial, double gamma) implements Schedule {
    public Exponential {
        Parameters.requirePositive("initial", initial);
        Parameters.requirePositive("gamma", gamma);
    }

    @Override
    public double at(int epoch) {
        return initial * Math.pow(gamma, epoch);
    }
}
