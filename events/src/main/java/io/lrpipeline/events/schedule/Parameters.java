package io.lrpipeline.events.schedule;

/** Checks on schedule parameters that read the same in every kind's error messages. */
final class Parameters {
    static void requirePositive(String name, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
    }

    private Parameters() {}
}
