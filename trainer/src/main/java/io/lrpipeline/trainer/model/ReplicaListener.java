package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.Step;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * What each of ParallelWrapper's replicas did in one epoch, told by the replica itself: DL4J calls this listener on
 * the replica's own thread after each of its steps, with the replica's network. The root network (the model, which
 * ParallelWrapper's first thread trains) is replica 0; the others are numbered as they first report. A replica's
 * rate is read from its own optimizer, so what reaches {@code listener} is the rate it trained with, not the one set
 * on the model. It also totals the images and loss of the epoch over every replica.
 *
 * <p>It also holds every replica at its first step until all have reached it. ParallelWrapper (1.0.0-M2.1) builds the
 * other replicas on their own threads, each copying the model's parameters and optimizer state when it is ready, while
 * the first thread already trains the model on the first batch: measured here, the second replica started from the
 * model after its first step, not before (its parameters after the epoch matched that order exactly). The first step's
 * gradient is taken before the update is applied, so waiting there lets every replica copy the model as it was.
 */
final class ReplicaListener extends BaseTrainingListener {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    private final ComputationGraph root;
    private final Engine.Steps steps;
    private final int batchSize;
    private final EpochListener listener;
    private final Map<Model, Integer> replicas = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> stepsTaken = new ConcurrentHashMap<>();
    private final AtomicInteger nextReplica = new AtomicInteger(1);
    private final Set<Model> started = ConcurrentHashMap.newKeySet();
    private final CountDownLatch allStarted;
    private double lossSum;
    private int images;

    ReplicaListener(ComputationGraph root, int replicas, Engine.Steps steps, int batchSize, EpochListener listener) {
        this.root = root;
        this.allStarted = new CountDownLatch(replicas);
        this.steps = steps;
        this.batchSize = batchSize;
        this.listener = listener;
    }

    /** DL4J calls this once a step's gradient is computed and before it updates the parameters. */
    @Override
    public void onGradientCalculation(Model model) {
        if (started.add(model)) {
            allStarted.countDown();
            try {
                if (!allStarted.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every replica started its first step within " + START_TIMEOUT.toMinutes() + " minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the other replicas", e);
            }
        }
    }

    /** DL4J calls this before it counts the step: {@code iteration} is the replica's step count before this step. */
    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        ComputationGraph replica = (ComputationGraph) model;
        int index = replicas.computeIfAbsent(model, m -> m == root ? 0 : nextReplica.getAndIncrement());
        int step = stepsTaken.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
        double rate = Dl4jModel.learningRateOf(replica);
        if (step == 1) {
            listener.started(index, rate, iteration);
        }
        int size = (int) replica.batchSize();
        Step done = new Step(index, iteration + 1L, steps.number(step), steps.ofEpoch(), replica.score(), size > 0 ? size : batchSize, rate);
        synchronized (this) {
            lossSum += done.loss() * done.images();
            images += done.images();
        }
        listener.step(done);
    }

    /** Images all replicas trained so far. */
    synchronized int images() {
        return images;
    }

    /** Their mean loss, weighted by images; NaN before any step. */
    synchronized double meanLoss() {
        return images == 0 ? Double.NaN : lossSum / images;
    }
}
