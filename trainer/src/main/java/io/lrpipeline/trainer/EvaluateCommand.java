package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import io.lrpipeline.trainer.data.DataException;
import io.lrpipeline.trainer.data.DataSettings;
import io.lrpipeline.trainer.data.FolderImageData;
import io.lrpipeline.trainer.data.IdxImageData;
import io.lrpipeline.trainer.data.ImageData;
import io.lrpipeline.trainer.model.Dl4jModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainer evaluate}: a saved model scored on a split of a data set, as the trainer scores it after each epoch. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Scores a saved model (DL4J's format, e.g. models/<run-id>/<worker-id>.zip) on a data set's test, validation or training split: loss and accuracy.")
final class EvaluateCommand implements Callable<Integer> {
    /** The entry of a saved model's file that holds the side of its square input, in pixels. */
    static final String INPUT_SIZE = "lr-pipeline-input-size";

    @Option(names = "--model", required = true, description = "The saved model.")
    Path model;

    @Option(names = "--split", defaultValue = "test", description = "test, validation (held out of the training split as the trainer held it out) or train.")
    String split;

    @Option(names = "--data-format", defaultValue = "${env:DATA_FORMAT:-idx}", description = "idx or folders, as for training (env DATA_FORMAT).")
    String dataFormat;

    @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR:-/usr/share/datasets/fashion-mnist}", description = "The data set, as for training (env DATA_DIR).")
    Path dataDir;

    @Option(names = "--validation-fraction", defaultValue = "${env:VALIDATION_FRACTION:-0.0833333}",
            description = "As for training: which images were held out (env VALIDATION_FRACTION).")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "${env:TEST_FRACTION:-0.0833333}", description = "As for training (env TEST_FRACTION).")
    double testFraction;

    @Option(names = "--seed", defaultValue = "${env:SEED:-42}", description = "The training's seed, which drew the validation split (env SEED).")
    long seed;

    @Option(names = "--samples", defaultValue = "0", description = "Images scored, spread over the split; 0, the default: all of them.")
    int samples;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per forward pass.")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            System.err.println("trainer evaluate: no model file " + model);
            return 2;
        }
        if (samples < 0 || batchSize < 1 || !(validationFraction >= 0 && validationFraction < 1) || !(testFraction >= 0 && testFraction < 1)) {
            System.err.println("trainer evaluate: --samples must be >= 0, --batch-size >= 1, the fractions in [0, 1)");
            return 2;
        }
        ComputationGraph network;
        try {
            network = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        } catch (Exception e) {
            System.err.println("trainer evaluate: " + model + " is not a model DL4J can read (ModelSerializer's zip of a ComputationGraph)");
            return 2;
        }
        List<String> saved = ModelSerializer.listObjectsInFile(model.toFile());
        if (!saved.contains(INPUT_SIZE)) {
            System.err.println("trainer evaluate: " + model + " does not say its input size (a model the trainer saved does)");
            return 2;
        }
        int inputSize = ModelSerializer.<Integer>getObjectFromFile(model.toFile(), INPUT_SIZE);
        ImageData data;
        try {
            DataSettings settings = new DataSettings(0, 1, inputSize, batchSize, validationFraction, testFraction, 0, samples,
                    samples, seed, seed);
            data = switch (dataFormat) {
                case "idx" -> IdxImageData.open(dataDir, settings);
                case "folders" -> FolderImageData.open(dataDir, settings);
                default -> throw new DataException("unknown --data-format '" + dataFormat + "' (known: idx, folders)");
            };
        } catch (DataException e) {
            System.err.println("trainer evaluate: " + e.getMessage());
            return 2;
        }
        long classes = ((FeedForwardLayer) network.getOutputLayer(0).conf().getLayer()).getNOut();
        long channels = ((FeedForwardLayer) network.getLayer(0).conf().getLayer()).getNIn();
        if (data.channels() != channels || data.classes() != classes) {
            System.err.printf("trainer evaluate: the model takes %d channel(s) and tells %d classes, the data has %d and %d%n",
                    channels, classes, data.channels(), data.classes());
            return 2;
        }
        Optional<DataSetIterator> images = switch (split) {
            case "test" -> data.test();
            case "validation" -> data.validation();
            case "train" -> Optional.of(data.trainEpoch(0));
            default -> null;
        };
        if (images == null) {
            System.err.println("trainer evaluate: unknown --split '" + split + "' (known: test, validation, train)");
            return 2;
        }
        if (images.isEmpty()) {
            System.err.println("trainer evaluate: " + dataDir + " has no " + split + " split");
            return 2;
        }
        Evaluation scores = Dl4jModel.score(network, images.get(), data.classes(), 2);
        System.out.printf("%s on the %s split of %s: loss %.4f | accuracy %.4f%s | %,d images%n", model, split, dataDir, scores.loss(),
                scores.accuracy(), scores.top5Accuracy() == null ? "" : " | top-5 %.4f".formatted(scores.top5Accuracy()), scores.samples());
        return 0;
    }
}
