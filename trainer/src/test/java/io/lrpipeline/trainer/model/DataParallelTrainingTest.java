package io.lrpipeline.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lrpipeline.trainer.TrainableModel.EpochListener;
import io.lrpipeline.trainer.TrainableModel.EpochResult;
import io.lrpipeline.trainer.TrainableModel.Step;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.DrawnImages;
import io.lrpipeline.trainer.data.FolderImageData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One model trained by two replicas, parameters and optimizer state averaged after every step, on each data-parallel
 * engine: two ParallelWrapper threads, and two tasks of a Spark application ({@code local[2]}: DL4J's parameter
 * averaging master, the model broadcast to the executors and their results averaged on the driver). Each replica tells
 * the rate its own optimizer holds, a rate set on the model between epochs reaches both, and the model after an epoch
 * is what averaging the two replicas' steps round by round gives, computed here by hand on copies of the network.
 */
class DataParallelTrainingTest {
    @TempDir
    static Path images;

    @BeforeAll
    static void drawImages() throws Exception {
        DrawnImages.tree(images, 12, 16, false); // 12 images per class, 20 % held out for validation
    }

    static Stream<Arguments> engines() {
        return Stream.of(
                Arguments.of("ParallelWrapper", (Supplier<Engine>) () -> new ParallelWrapperEngine(2, 4)),
                Arguments.of("Spark local[2]", (Supplier<Engine>) () -> SparkEngine.start("local[2]", "test", 2, 4,
                        Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void bothReplicasTrainOneModelAtTheRateSetOnIt(String name, Supplier<Engine> engines) throws Exception {
        try (Engine engine = engines.get()) {
            bothReplicasTrainOneModelAtTheRateSetOnIt(engine);
        }
    }

    private void bothReplicasTrainOneModelAtTheRateSetOnIt(Engine engine) throws Exception {
        FolderImageData data = FolderImageData.open(images, new DataSettings(0, 1, 16, 4, 0.2, 0, 0, 0, 0, 42, 42));
        ComputationGraph graph = ReplicasByHand.tinyGraph(data.classes());
        Dl4jModel model = new Dl4jModel(graph, data, new Dl4jModel.Loop(2, 0), engine, 0.05);
        INDArray initial = graph.params().dup();
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        List<Step> steps = Collections.synchronizedList(new ArrayList<>());
        EpochListener listener = new EpochListener() {
            @Override
            public void started(int replica, double learningRate, long iteration) {
                started.add(replica + " at " + learningRate);
            }

            @Override
            public void step(Step step) {
                steps.add(step);
            }
        };

        model.setLearningRate(0.05);
        ComputationGraph averagedByHand = ReplicasByHand.averagedRounds(graph.clone(), data.trainEpoch(0), model.stepsInEpoch(0));
        EpochResult first = model.trainEpoch(0, listener);
        assertThat(graph.params()).isNotEqualTo(initial);
        assertThat(ReplicasByHand.maxDifference(graph.params(), averagedByHand.params())).isLessThan(1e-5);
        assertThat(ReplicasByHand.maxDifference(graph.getUpdater().getStateViewArray(), averagedByHand.getUpdater().getStateViewArray())).isLessThan(1e-5);
        INDArray afterFirst = graph.params().dup();
        model.setLearningRate(0.002);
        averagedByHand = ReplicasByHand.averagedRounds(graph.clone(), data.trainEpoch(1), model.stepsInEpoch(1));
        model.trainEpoch(1, listener);
        assertThat(ReplicasByHand.maxDifference(graph.params(), averagedByHand.params())).isLessThan(1e-5);

        assertThat(started).containsExactlyInAnyOrder("0 at 0.05", "1 at 0.05", "0 at 0.002", "1 at 0.002");
        // Batches of 4 dealt to two replicas in rounds: only full rounds are trained, so that every step is averaged.
        int rounds = (data.shareSize() + 3) / 4 / 2;
        assertThat(rounds).isGreaterThanOrEqualTo(3);
        assertThat(first.steps()).isEqualTo(rounds);
        assertThat(first.images()).isEqualTo(Math.min(data.shareSize(), 2 * rounds * 4));
        assertThat(steps).hasSize(4 * rounds);
        assertThat(steps).extracting(Step::replica, Step::stepsInEpoch).containsOnly(tuple(0, rounds), tuple(1, rounds));
        assertThat(steps.subList(0, 2 * rounds)).extracting(Step::learningRate).containsOnly(0.05);
        assertThat(steps.subList(2 * rounds, 4 * rounds)).extracting(Step::learningRate).containsOnly(0.002);
        assertThat(graph.params()).isNotEqualTo(afterFirst);
        assertThat(model.iterations()).isEqualTo(2L * rounds);
    }
}
