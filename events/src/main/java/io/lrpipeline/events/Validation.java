package io.lrpipeline.events;

/** Checks shared by the event records: a record that exists is a valid record. */
final class Validation {
    /** Above this a learning rate is a typo, not a choice. */
    static final double MAX_LEARNING_RATE = 10.0;
    private static final int MAX_ID_LENGTH = 200;

    static void requireId(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_ID_LENGTH + " characters");
        }
    }

    static void requireEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
    }

    static void requireLearningRate(double learningRate) {
        if (!Double.isFinite(learningRate) || learningRate <= 0 || learningRate > MAX_LEARNING_RATE) {
            throw new IllegalArgumentException(
                    "learningRate must be finite, > 0 and <= " + MAX_LEARNING_RATE + ", was " + learningRate);
        }
    }

    private Validation() {}
}
