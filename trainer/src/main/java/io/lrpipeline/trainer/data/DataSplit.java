package io.lrpipeline.trainer.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Which examples of a data set a worker trains on, and in which order: pure functions of counts and a seed, so
 * every worker of a run agrees on the split without talking, and an epoch's order can be rebuilt from its number.
 */
public final class DataSplit {
    /** Positions into a list of examples: those trained on and those held out for validation. */
    public record HoldOut(int[] train, int[] validation) {}

    /**
     * Holds {@code fraction} of {@code count} examples out for validation (at least one when {@code fraction > 0},
     * at least one left to train on), chosen by a shuffle with {@code seed}; both parts in ascending order.
     */
    public static HoldOut holdOut(int count, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
        }
        int held = fraction == 0 ? 0 : (int) Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
        int[] shuffled = shuffled(identity(count), new Random(seed));
        int[] validation = Arrays.copyOfRange(shuffled, 0, held);
        int[] train = Arrays.copyOfRange(shuffled, held, count);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new HoldOut(train, validation);
    }

    /** Worker {@code worker} of {@code workers}: every {@code workers}-th of {@code examples}, starting at its index. */
    public static int[] share(int[] examples, int worker, int workers) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " is not one of " + workers);
        }
        int[] share = new int[(examples.length - worker + workers - 1) / workers];
        for (int i = 0; i < share.length; i++) {
            share[i] = examples[worker + i * workers];
        }
        return share;
    }

    /**
     * The examples of epoch {@code epoch}, in training order. With {@code samplesPerEpoch} 0 an epoch is one pass
     * over {@code share} in an order shuffled by {@code seed} and the epoch. Otherwise the passes run on end to end,
     * each shuffled by its own number, and epoch {@code e} takes samples {@code e·n … e·n + n − 1} of that stream.
     */
    public static int[] epochOrder(int[] share, int epoch, int samplesPerEpoch, long seed) {
        if (share.length == 0) {
            throw new IllegalArgumentException("no examples to train on");
        }
        if (samplesPerEpoch == 0) {
            return pass(share, epoch, seed);
        }
        int[] order = new int[samplesPerEpoch];
        long first = (long) epoch * samplesPerEpoch;
        int[] current = null;
        long currentPass = -1;
        for (int k = 0; k < samplesPerEpoch; k++) {
            long position = first + k;
            long passNumber = position / share.length;
            if (passNumber != currentPass) {
                current = pass(share, passNumber, seed);
                currentPass = passNumber;
            }
            order[k] = current[(int) (position % share.length)];
        }
        return order;
    }

    private static int[] pass(int[] share, long pass, long seed) {
        return shuffled(share.clone(), new Random(seed * 1_000_003L + pass));
    }

    private static int[] identity(int count) {
        int[] all = new int[count];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Fisher–Yates, in place. */
    private static int[] shuffled(int[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
        return values;
    }

    private DataSplit() {}
}
