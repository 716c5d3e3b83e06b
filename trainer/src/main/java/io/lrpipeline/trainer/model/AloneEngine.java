package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The calling thread trains the model on every batch while the next ones are prepared on a prefetch thread
 * ({@link AsyncDataSetIterator}); time spent waiting for a batch is told apart from training.
 */
final class AloneEngine implements Engine {
    @Override
    public int replicas() {
        return 1;
    }

    @Override
    public EpochResult train(ComputationGraph model, DataSetIterator epoch, Steps steps, int prefetch, EpochListener listener) {
        AsyncDataSetIterator batches = new AsyncDataSetIterator(epoch, prefetch);
        long waiting = 0;
        long computing = 0;
        double lossSum = 0;
        int images = 0;
        int step = 0;
        try {
            listener.started(0, Dl4jModel.learningRateOf(model), model.getIterationCount());
            while (step < steps.count()) {
                long asked = System.nanoTime();
                if (!batches.hasNext()) {
                    break;
                }
                DataSet batch = batches.next();
                long got = System.nanoTime();
                StepSeeds.seedStep(model, 0);
                model.fit(batch);
                double loss = model.score();
                computing += System.nanoTime() - got;
                waiting += got - asked;
                int size = batch.numExamples();
                lossSum += loss * size;
                images += size;
                listener.step(new Step(0, model.getIterationCount(), steps.number(++step), steps.ofEpoch(), loss, size, Dl4jModel.learningRateOf(model)));
            }
        } finally {
            batches.shutdown();
        }
        return new EpochResult(step, images, images == 0 ? Double.NaN : lossSum / images, waiting / 1e9, computing / 1e9, Double.NaN);
    }

    @Override
    public String describe() {
        return "one replica on this thread";
    }
}
