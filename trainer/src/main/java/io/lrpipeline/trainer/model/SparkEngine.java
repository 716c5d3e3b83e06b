package io.lrpipeline.trainer.model;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Replicas as the task slots of a Spark application: DL4J's {@link SparkComputationGraph} with its
 * {@link ParameterAveragingTrainingMaster}, averaging after every step (frequency 1, optimizer state included). This
 * process is the driver and holds the model; each step it sends the model's configuration (so the rate set on it),
 * parameters and optimizer state to the executors, each of {@code replicas} tasks trains one batch on its own copy,
 * and the driver sets the mean of their parameters and optimizer state on the model. The master is {@code local[N]}
 * (threads of this process) or a standalone cluster ({@code spark://host:port}), whose executors may be other
 * processes on other hosts.
 *
 * <p>The driver fits one step at a time, so that it knows which step each report belongs to: DL4J's executors start
 * every averaging round from iteration 0 and epoch 0. What each replica did is measured on the executor by an
 * {@link ExecutorStepHook} around its step (its loss, images, the rate its own optimizer held, the seconds it took)
 * and comes back with the task's result through a Spark accumulator; replica {@code k} is the task of partition
 * {@code k}. What a step takes beyond its slowest replica's training is the cost of data parallelism here: the
 * broadcast, the tasks' scheduling and serialization, and the averaging on the driver. Each step the driver also
 * checks that every replica started from the model it holds (a {@link ParameterFingerprint}), so the executors and the
 * driver train one model, or the epoch fails saying which replica did not. A task lost with its executor is run again
 * by Spark from the same broadcast model (up to {@code spark.task.maxFailures} times), and only finished tasks count:
 * averaging never sees a half-trained replica. The epoch's {@code syncSeconds} is everything but its steps' slowest
 * replicas' training.
 */
public final class SparkEngine implements Engine {
    private final JavaSparkContext spark;
    private final int replicas;
    private final int batchSize;
    private final CollectionAccumulator<ExecutorStep> reports;
    private SparkComputationGraph network;

    private SparkEngine(JavaSparkContext spark, int replicas, int batchSize) {
        this.spark = spark;
        this.replicas = replicas;
        this.batchSize = batchSize;
        this.reports = spark.sc().collectionAccumulator("lr-pipeline replica steps");
    }

    /**
     * Starts a Spark application named {@code name} on {@code master} whose {@code replicas} task slots (one core each)
     * train the model; {@code settings} are Spark properties that override the defaults set here.
     */
    public static SparkEngine start(String master, String name, int replicas, int batchSize, Map<String, String> settings) {
        if (replicas < 1) {
            throw new IllegalArgumentException("Spark needs at least 1 replica, got " + replicas);
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName(name)
                .set("spark.ui.enabled", "false")
                .set("spark.executor.cores", "1")
                .set("spark.task.cpus", "1")
                .set("spark.cores.max", Integer.toString(replicas))
                // Every step is a job over all replicas: start only once every slot is there (or after 60 s).
                .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s")
                .set("spark.executor.memory", "2g")
                // Each task's result is a whole model (parameters and optimizer state): bounded by the driver's heap, not by Spark's 1 GiB.
                .set("spark.driver.maxResultSize", "0");
        ownJar().ifPresent(jar -> conf.set("spark.jars", jar.toString()));
        settings.forEach(conf::set);
        return new SparkEngine(new JavaSparkContext(conf), replicas, batchSize);
    }

    /** The jar this class is in, which executors need for the step hook; empty when run from classes (tests). */
    private static Optional<Path> ownJar() {
        try {
            Path location = Path.of(SparkEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public EpochResult train(ComputationGraph model, DataSetIterator batches, Steps steps, int prefetch, EpochListener listener) {
        SparkComputationGraph sparkNetwork = networkFor(model);
        // Batches outside any workspace: a step holds several of them at once and ships them to the executors.
        AsyncDataSetIterator prefetched = new AsyncDataSetIterator(batches, Math.max(prefetch, replicas), false);
        long start = System.nanoTime();
        double computeSeconds = 0;
        double lossSum = 0;
        int images = 0;
        int step = 0;
        try {
            while (step < steps.count()) {
                List<DataSet> round = new ArrayList<>(replicas);
                while (round.size() < replicas && prefetched.hasNext()) {
                    round.add((DataSet) prefetched.next());
                }
                if (round.size() < replicas) {
                    throw new IllegalStateException("the epoch ran out of batches after step " + steps.number(step) + " of " + steps.ofEpoch());
                }
                long iteration = model.getIterationCount();
                ParameterFingerprint before = ParameterFingerprint.of(model.params());
                int epochCount = model.getEpochCount();
                reports.reset();
                fit(sparkNetwork, round, steps.number(step + 1));
                // SparkComputationGraph counts each fit as an epoch; the model's epochs are counted by Dl4jModel.
                model.getConfiguration().setEpochCount(epochCount);
                step++;
                List<ExecutorStep> replicaSteps = reportsOfOneStep(before, steps.number(step));
                computeSeconds += replicaSteps.stream().mapToDouble(ExecutorStep::seconds).max().orElse(0);
                for (ExecutorStep report : replicaSteps) {
                    if (step == 1) {
                        listener.started(report.replica(), report.learningRate(), iteration);
                    }
                    lossSum += report.loss() * report.images();
                    images += report.images();
                    listener.step(new Step(report.replica(), iteration + 1, steps.number(step), steps.ofEpoch(), report.loss(), report.images(), report.learningRate()));
                }
            }
        } finally {
            prefetched.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochResult(step, images, images == 0 ? Double.NaN : lossSum / images, Double.NaN, computeSeconds, seconds - computeSeconds);
    }

    /** One step; when Spark gives up on it (a task failed {@code spark.task.maxFailures} times), a one-line reason. */
    private void fit(SparkComputationGraph sparkNetwork, List<DataSet> round, int step) {
        try {
            sparkNetwork.fit(spark.parallelize(round, replicas));
        } catch (RuntimeException e) {
            Throwable failure = e;
            while (failure.getCause() != null && !(failure instanceof SparkException)) {
                failure = failure.getCause();
            }
            if (!(failure instanceof SparkException)) {
                throw e;
            }
            String reason = String.valueOf(failure.getMessage()).lines().findFirst().orElse("").trim();
            throw new TrainingFailed("step " + step + " failed on the Spark cluster: " + reason, e);
        }
    }

    /**
     * One report per replica, in replica order, each replica having started step {@code step} from the model as it was
     * ({@code model}); a task Spark ran twice (a retry that also finished) counts once.
     */
    private List<ExecutorStep> reportsOfOneStep(ParameterFingerprint model, int step) {
        Map<Integer, ExecutorStep> byReplica = new TreeMap<>();
        for (ExecutorStep report : reports.value()) {
            byReplica.put(report.replica(), report);
        }
        if (byReplica.size() != replicas) {
            throw new IllegalStateException("step " + step + " was trained by replicas " + byReplica.keySet() + ", expected " + replicas);
        }
        for (ExecutorStep report : byReplica.values()) {
            if (!report.startedFrom().sameAs(model)) {
                throw new IllegalStateException("replica " + report.replica() + " started step " + step + " from parameters " + report.startedFrom()
                        + ", not the model's " + model);
            }
        }
        return List.copyOf(byReplica.values());
    }

    private SparkComputationGraph networkFor(ComputationGraph model) {
        if (network == null || network.getNetwork() != model) {
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(replicas, batchSize)
                    .batchSizePerWorker(batchSize)
                    .averagingFrequency(1)
                    .saveUpdater(true)
                    .workerPrefetchNumBatches(0)
                    // The step's batches go to the executors with the tasks: no export to files, no caching between steps.
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .storageLevel(null)
                    .repartionData(Repartition.NumPartitionsWorkersDiffers) // one batch per partition already
                    .trainingHooks(new ExecutorStepHook(reports))
                    .build();
            network = new SparkComputationGraph(spark, model, master);
        }
        return network;
    }

    @Override
    public String describe() {
        return replicas + " replicas as tasks of Spark application " + spark.sc().applicationId() + " on " + spark.master()
                + " (parameter averaging after every step)";
    }

    /** Stops the Spark application: its executors end. */
    @Override
    public void close() {
        spark.stop();
    }
}
