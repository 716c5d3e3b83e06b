package io.lrpipeline.trainer.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The random stream of every step (dropout's masks) is seeded from the model's seed, the replica and the step's
 * iteration, on the thread that trains it, before it trains. So a step draws the same numbers whoever runs it and
 * whatever ran before in that thread: training is the same computation uninterrupted or resumed from a checkpoint,
 * and no generator state needs saving. DL4J alone would not give that with replicas: ParallelWrapper's first replica
 * trains on a new thread whose generator is seeded from the clock, and the others re-seed theirs with the model's
 * seed at each fit, so they would repeat the same masks every epoch.
 */
final class StepSeeds {
    private StepSeeds() {}

    /** Seeds this thread's ND4J generator for the step of {@code replica} after {@code network}'s current iteration. */
    static void seedStep(ComputationGraph network, int replica) {
        Nd4j.getRandom().setSeed(of(network.getConfiguration().getDefaultConfiguration().getSeed(), replica, network.getIterationCount()));
    }

    /** SplitMix64's finaliser over the three: nearby inputs give unrelated seeds. */
    static long of(long seed, int replica, long iteration) {
        long z = seed + 0x9E3779B97F4A7C15L * (1 + iteration) + 0xC2B2AE3D27D4EB4FL * (1 + replica);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
