package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;

/**
 * Adds up a classifier's outputs on a split: mean cross-entropy, top-1 and top-5 accuracy. Top-5 is left out when
 * there are 5 classes or fewer, where it is always 1. A probability of 0 for the true class counts as 1e-12.
 */
public final class Scores {
    private static final double SMALLEST_PROBABILITY = 1e-12;

    private final int classes;
    private double lossSum;
    private int top1;
    private int top5;
    private int samples;

    public Scores(int classes) {
        this.classes = classes;
    }

    /** One image: the model's class probabilities and the true class. */
    public void add(float[] probabilities, int label) {
        double truth = probabilities[label];
        lossSum -= Math.log(Math.max(truth, SMALLEST_PROBABILITY));
        int above = 0;
        for (int c = 0; c < probabilities.length; c++) {
            if (probabilities[c] > truth || (probabilities[c] == truth && c < label)) {
                above++;
            }
        }
        if (above == 0) {
            top1++;
        }
        if (above < 5) {
            top5++;
        }
        samples++;
    }

    public Evaluation evaluation() {
        if (samples == 0) {
            throw new IllegalStateException("nothing was scored");
        }
        return new Evaluation(lossSum / samples, (double) top1 / samples, classes > 5 ? (double) top5 / samples : null, samples);
    }
}
