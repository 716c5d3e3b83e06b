package io.lrpipeline.events.schedule;

/** The same rate for every epoch. */
public record Constant(double rate) implements Schedule {
    public Constant {
        Parameters.requirePositive("rate", rate);
    }

    @Override
    public double at(int epoch) {
        return rate;
    }
}
