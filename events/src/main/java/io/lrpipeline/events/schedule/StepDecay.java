package io.lrpipeline.events.schedule;

/**
 * {@code initial · factor^floor((epoch + offset) / every)}. With offset 0 the rate drops after every
 * {@code every} epochs (the Inception-v4 paper, TF-slim, DL4J's {@code StepSchedule}); with offset 1
 * and every 2 it is the seed's Keras {@code LearningRateScheduler}, whose first drop comes after one epoch.
 * The first {@code warmupEpochs} epochs instead ramp linearly up to {@code initial}, as {@link CosineWithWarmup}'s
 * do: {@code initial · (epoch + 1) / (warmupEpochs + 1)}; the drops still count from epoch 0 (Goyal et al. 2017).
 */
public record StepDecay(double initial, double factor, int every, int offset, int warmupEpochs) implements Schedule {
    public StepDecay {
        Parameters.requirePositive("initial", initial);
        Parameters.requirePositive("factor", factor);
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, was " + every);
        }
        if (offset < 0 || warmupEpochs < 0) {
            throw new IllegalArgumentException("offset and warmupEpochs must be >= 0, were " + offset + " and " + warmupEpochs);
        }
    }

    @Override
    public double at(int epoch) {
        if (epoch < warmupEpochs) {
            return initial * (epoch + 1) / (warmupEpochs + 1);
        }
        return initial * Math.pow(factor, Math.floorDiv(epoch + offset, every));
    }
}
