package io.lrpipeline.trainer.model;

import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on a Spark executor around each step of the replica DL4J built there for one task: before the step it takes a
 * fingerprint of the parameters the replica starts from, after it adds what the replica did (its loss, images, the
 * rate its own optimizer held, the seconds the step took there) to an accumulator that returns to the driver with the
 * task's result. The replica is the task's partition.
 */
final class ExecutorStepHook implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final CollectionAccumulator<ExecutorStep> reports;
    private transient ParameterFingerprint startedFrom;
    private transient long started;

    ExecutorStepHook(CollectionAccumulator<ExecutorStep> reports) {
        this.reports = reports;
    }

    @Override
    public void preUpdate(MultiDataSet batch, Model model) {
        startedFrom = ParameterFingerprint.of(model.params());
        started = System.nanoTime();
    }

    @Override
    public void postUpdate(MultiDataSet batch, Model model) {
        double seconds = (System.nanoTime() - started) / 1e9;
        ComputationGraph replica = (ComputationGraph) model;
        TaskContext task = TaskContext.get();
        reports.add(new ExecutorStep(task == null ? 0 : task.partitionId(), replica.score(), (int) batch.getFeatures(0).size(0),
                Dl4jModel.learningRateOf(replica), seconds, startedFrom));
    }

    /** DL4J's graphs train on multi-data sets; these are for its multi-layer networks, which this project has none of. */
    @Override
    public void preUpdate(DataSet batch, Model model) {
        throw new UnsupportedOperationException("the trainer's models are computation graphs");
    }

    @Override
    public void postUpdate(DataSet batch, Model model) {
        throw new UnsupportedOperationException("the trainer's models are computation graphs");
    }
}
