package io.lrpipeline.events.schedule;

/**
 * Linear warmup to {@code peak} over {@code warmupEpochs} epochs ({@code peak · (epoch + 1) / (warmupEpochs + 1)}),
 * then a half cosine from {@code peak} down to {@code min} at {@code totalEpochs}, and {@code min} after that:
 * nanoGPT's {@code get_lr}, counted in epochs.
 */
public record CosineWithWarmup(double peak, int warmupEpochs, int totalEpochs, double min) implements Schedule {
    public CosineWithWarmup {
        Parameters.requirePositive("peak", peak);
        if (warmupEpochs < 0 || totalEpochs <= warmupEpochs) {
            throw new IllegalArgumentException("cosine needs 0 <= warmupEpochs < totalEpochs, got warmupEpochs "
                    + warmupEpochs + ", totalEpochs " + totalEpochs);
        }
        if (!(min >= 0 && min <= peak)) {
            throw new IllegalArgumentException("cosine needs 0 <= min <= peak, got min " + min);
        }
    }

    @Override
    public double at(int epoch) {
        if (epoch < warmupEpochs) {
            return peak * (epoch + 1) / (warmupEpochs + 1);
        }
        if (epoch >= totalEpochs) {
            return min;
        }
        double progress = (double) (epoch - warmupEpochs) / (totalEpochs - warmupEpochs);
        return min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (peak - min);
    }
}
