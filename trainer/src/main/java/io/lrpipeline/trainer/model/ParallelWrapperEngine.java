package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.datasets.iterator.EarlyTerminationDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Replicas as threads of this process: DL4J's {@link ParallelWrapper} in its {@code AVERAGING} mode at frequency 1,
 * each thread a replica of the model fed batches in turn, parameters and optimizer state averaged after every round
 * of one step each. Its first thread trains the model itself, the others fresh networks built from its configuration,
 * parameters and optimizer state at the start of each call (so a rate set on the model reaches them); what they did
 * comes back through a {@link ReplicaListener}. Its trainers are DL4J's own, each seeding its steps
 * ({@link SeededReplicas}). Data waits are not told apart from training here (batches are prepared on a thread of their
 * own while the replicas train).
 */
public final class ParallelWrapperEngine implements Engine {
    private final int replicas;
    private final int batchSize;

    public ParallelWrapperEngine(int replicas, int batchSize) {
        if (replicas < 2) {
            throw new IllegalArgumentException("ParallelWrapper needs at least 2 replicas, got " + replicas);
        }
        this.replicas = replicas;
        this.batchSize = batchSize;
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public EpochResult train(ComputationGraph model, DataSetIterator batches, Steps steps, int prefetch, EpochListener listener) {
        ReplicaListener replicaListener = new ReplicaListener(model, replicas, steps, batchSize, listener);
        long start = System.nanoTime();
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(model)
                .workers(replicas)
                .prefetchBuffer(0) // prefetched here, outside workspaces: see below
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .averagingFrequency(1)
                .averageUpdaters(true)
                .reportScoreAfterAveraging(false)
                .build();
        SeededReplicas.install(wrapper);
        try {
            wrapper.setListeners(replicaListener);
            // A batch goes to a replica's queue while the next is read: ParallelWrapper's own prefetch would hand out batches
            // in a workspace that the next read reuses. These live until the replica is done with them.
            wrapper.fit(new AsyncDataSetIterator(new EarlyTerminationDataSetIterator(batches, steps.count() * replicas), prefetch, false));
        } finally {
            wrapper.shutdown();
            model.setListeners();
        }
        return new EpochResult(steps.count(), replicaListener.images(), replicaListener.meanLoss(), Double.NaN, (System.nanoTime() - start) / 1e9, Double.NaN);
    }

    @Override
    public String describe() {
        return replicas + " replicas in this process (ParallelWrapper, parameters averaged after every step)";
    }
}
