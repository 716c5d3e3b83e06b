package io.lrpipeline.benchmarks;

import java.util.List;

/** Nearest-rank percentiles of a sample, printed in milliseconds. */
final class Percentiles {
    static String describe(List<Double> millis) {
        if (millis.isEmpty()) {
            return "n=0";
        }
        List<Double> sorted = millis.stream().sorted().toList();
        return "n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms".formatted(
                sorted.size(), at(sorted, 50), at(sorted, 99), sorted.get(sorted.size() - 1));
    }

    /** The {@code percentile}-th percentile of a non-empty sample. */
    static double of(List<Double> sample, int percentile) {
        return at(sample.stream().sorted().toList(), percentile);
    }

    private static double at(List<Double> sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private Percentiles() {}
}
