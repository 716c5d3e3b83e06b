package io.lrpipeline.events.schedule;

/** A learning-rate schedule: a pure function of the 0-based epoch. */
@FunctionalInterface
public interface Schedule {
    double at(int epoch);
}
