package io.lrpipeline.events;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

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

    /** A run or worker id: see {@link RunIds}. */
    static void requireRunId(String field, String value) {
        RunIds.problem(field, value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** The ids every training metric carries. */
    static void requireRunAndWorker(String runId, String workerId) {
        requireRunId("runId", runId);
        requireRunId("workerId", workerId);
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

    /** At most this many hyper-parameters, each value a string, a finite number or a boolean. */
    static final int MAX_HYPER_PARAMETERS = 100;

    static Map<String, Object> requireHyperParameters(Map<String, Object> hyperParameters) {
        if (hyperParameters == null) {
            throw new IllegalArgumentException("hyperParameters is missing");
        }
        if (hyperParameters.size() > MAX_HYPER_PARAMETERS) {
            throw new IllegalArgumentException("more than " + MAX_HYPER_PARAMETERS + " hyperParameters");
        }
        Map<String, Object> checked = new TreeMap<>();
        hyperParameters.forEach((name, value) -> {
            requireId("hyperParameters name", name);
            boolean plain = value instanceof String text && text.length() <= MAX_ID_LENGTH
                    || value instanceof Number number && Double.isFinite(number.doubleValue())
                    || value instanceof Boolean;
            if (!plain) {
                throw new IllegalArgumentException("hyperParameters." + name
                        + " must be a string of at most " + MAX_ID_LENGTH + " characters, a finite number or a boolean");
            }
            checked.put(name, value);
        });
        return Collections.unmodifiableMap(checked);
    }

    private Validation() {}
}
