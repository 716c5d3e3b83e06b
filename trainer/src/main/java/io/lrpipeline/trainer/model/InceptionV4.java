package io.lrpipeline.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Inception-v4 (Szegedy et al., 2016, figures 3–9) as a DL4J {@link ComputationGraphConfiguration}:
 * stem, 4 × Inception-A, Reduction-A, 7 × Inception-B, Reduction-B, 3 × Inception-C, global average pool,
 * dropout (keep 0.8), softmax. Every convolution is conv (no bias) → BatchNorm → ReLU in its own layer,
 * because DL4J's BatchNorm ignores its activation. {@code width} scales every filter count; the
 * valid-padding stem needs inputs of at least 75×75; no scaled convolution has fewer than {@link #MIN_FILTERS} filters.
 */
public final class InceptionV4 {
    public static final int MIN_INPUT_SIZE = 75;
    /**
     * The fewest filters a scaled convolution gets, as TF-slim's {@code min_depth} does for Inception v1–v3: below
     * this, narrow widths leave convolutions of one or two channels whose ReLU dies and whose BatchNorm then divides
     * by √ε, and the network stops learning (measured: width 1/32 could not fit a single batch of Fashion-MNIST).
     */
    public static final int MIN_FILTERS = 8;

    /** The network's shape: {@code inputSize}² images of {@code channels} channels, {@code classes} classes, every filter count × {@code width}. */
    public record Shape(int inputSize, int channels, int classes, double width) {
        public Shape {
            if (inputSize < MIN_INPUT_SIZE) {
                throw new IllegalArgumentException("Inception-v4's stem needs inputs of at least " + MIN_INPUT_SIZE + "×"
                        + MIN_INPUT_SIZE + ", got " + inputSize);
            }
            if (!(width > 0 && width <= 1)) {
                throw new IllegalArgumentException("width must be in (0, 1], got " + width);
            }
            if (channels < 1 || classes < 2) {
                throw new IllegalArgumentException("needs >= 1 channel and >= 2 classes, got " + channels + " and " + classes);
            }
        }
    }

    /**
     * L2 weight decay on every convolution and the softmax layer's weights (added to the gradient before the
     * optimizer, as TF-slim's {@code l2_regularizer} does), and BatchNorm's moving-average decay and ε.
     */
    public record Regularization(double weightDecay, double batchNormDecay, double batchNormEpsilon) {
        /** TF-slim's {@code inception_v4_arg_scope}: weight decay 4e-5, BatchNorm decay 0.9997, ε 0.001. */
        public static final Regularization TF_SLIM = new Regularization(4e-5, 0.9997, 0.001);

        public Regularization {
            if (!(weightDecay >= 0) || !(batchNormDecay > 0 && batchNormDecay < 1) || !(batchNormEpsilon > 0)) {
                throw new IllegalArgumentException("needs weight decay >= 0, 0 < BatchNorm decay < 1 and BatchNorm ε > 0, got "
                        + weightDecay + ", " + batchNormDecay + ", " + batchNormEpsilon);
            }
        }
    }

    private final GraphBuilder graph;
    private final double width;
    private final Regularization regularization;
    private int layers;

    private InceptionV4(GraphBuilder graph, double width, Regularization regularization) {
        this.graph = graph;
        this.width = width;
        this.regularization = regularization;
    }

    /** The whole network of {@code shape}, trained by {@code updater}. */
    public static ComputationGraphConfiguration configuration(Shape shape, Regularization regularization, IUpdater updater, long seed) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .l2(regularization.weightDecay())
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(shape.inputSize(), shape.inputSize(), shape.channels()));
        int classes = shape.classes();
        InceptionV4 net = new InceptionV4(graph, shape.width(), regularization);
        String x = net.stem("input");
        for (int i = 0; i < 4; i++) {
            x = net.inceptionA(x);
        }
        x = net.reductionA(x);
        for (int i = 0; i < 7; i++) {
            x = net.inceptionB(x);
        }
        x = net.reductionB(x);
        for (int i = 0; i < 3; i++) {
            x = net.inceptionC(x);
        }
        graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
                .addLayer("dropout", new DropoutLayer.Builder(0.8).build(), "avgpool")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(classes).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "dropout")
                .setOutputs("output");
        return graph.build();
    }

    /** Figure 3: 299×299×3 → 35×35×384. */
    private String stem(String input) {
        String x = conv(input, 32, 3, 3, 2, ConvolutionMode.Truncate);
        x = conv(x, 32, 3, 3, 1, ConvolutionMode.Truncate);
        x = conv(x, 64, 3, 3, 1, ConvolutionMode.Same);
        x = concat(maxPool(x, 2, ConvolutionMode.Truncate), conv(x, 96, 3, 3, 2, ConvolutionMode.Truncate));
        String left = conv(conv(x, 64, 1, 1), 96, 3, 3, 1, ConvolutionMode.Truncate);
        String right = conv(conv(conv(conv(x, 64, 1, 1), 64, 7, 1), 64, 1, 7), 96, 3, 3, 1, ConvolutionMode.Truncate);
        x = concat(left, right);
        return concat(conv(x, 192, 3, 3, 2, ConvolutionMode.Truncate), maxPool(x, 2, ConvolutionMode.Truncate));
    }

    /** Figure 4: 35×35×384 → 35×35×384. */
    private String inceptionA(String x) {
        return concat(
                conv(avgPool(x), 96, 1, 1),
                conv(x, 96, 1, 1),
                conv(conv(x, 64, 1, 1), 96, 3, 3),
                conv(conv(conv(x, 64, 1, 1), 96, 3, 3), 96, 3, 3));
    }

    /** Figure 7 with k=192, l=224, m=256, n=384: 35×35 → 17×17×1024. */
    private String reductionA(String x) {
        return concat(
                maxPool(x, 2, ConvolutionMode.Truncate),
                conv(x, 384, 3, 3, 2, ConvolutionMode.Truncate),
                conv(conv(conv(x, 192, 1, 1), 224, 3, 3), 256, 3, 3, 2, ConvolutionMode.Truncate));
    }

    /** Figure 5: 17×17×1024 → 17×17×1024. */
    private String inceptionB(String x) {
        return concat(
                conv(avgPool(x), 128, 1, 1),
                conv(x, 384, 1, 1),
                conv(conv(conv(x, 192, 1, 1), 224, 1, 7), 256, 7, 1),
                conv(conv(conv(conv(conv(x, 192, 1, 1), 192, 1, 7), 224, 7, 1), 224, 1, 7), 256, 7, 1));
    }

    /** Figure 8: 17×17 → 8×8×1536. */
    private String reductionB(String x) {
        return concat(
                maxPool(x, 2, ConvolutionMode.Truncate),
                conv(conv(x, 192, 1, 1), 192, 3, 3, 2, ConvolutionMode.Truncate),
                conv(conv(conv(conv(x, 256, 1, 1), 256, 1, 7), 320, 7, 1), 320, 3, 3, 2, ConvolutionMode.Truncate));
    }

    /** Figure 6: 8×8×1536 → 8×8×1536. */
    private String inceptionC(String x) {
        String middle = conv(x, 384, 1, 1);
        String deep = conv(conv(conv(x, 384, 1, 1), 448, 1, 3), 512, 3, 1);
        return concat(
                conv(avgPool(x), 256, 1, 1),
                conv(x, 256, 1, 1),
                conv(middle, 256, 1, 3),
                conv(middle, 256, 3, 1),
                conv(deep, 256, 3, 1),
                conv(deep, 256, 1, 3));
    }

    private String conv(String input, int filters, int kernelHeight, int kernelWidth) {
        return conv(input, filters, kernelHeight, kernelWidth, 1, ConvolutionMode.Same);
    }

    /** Convolution without bias, then BatchNorm, then ReLU: the paper's basic unit. */
    private String conv(String input, int filters, int kernelHeight, int kernelWidth, int stride, ConvolutionMode mode) {
        String name = "conv" + (++layers);
        graph.addLayer(name, new ConvolutionLayer.Builder(kernelHeight, kernelWidth)
                        .stride(stride, stride)
                        .convolutionMode(mode)
                        .nOut(scaled(filters))
                        .hasBias(false)
                        .activation(Activation.IDENTITY)
                        .build(), input)
                .addLayer(name + "_bn", new BatchNormalization.Builder()
                        .decay(regularization.batchNormDecay()).eps(regularization.batchNormEpsilon()).build(), name)
                .addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }

    private String maxPool(String input, int stride, ConvolutionMode mode) {
        String name = "maxpool" + (++layers);
        graph.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {stride, stride})
                .convolutionMode(mode).build(), input);
        return name;
    }

    private String avgPool(String input) {
        String name = "avgpool" + (++layers);
        graph.addLayer(name, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[] {3, 3}, new int[] {1, 1})
                .convolutionMode(ConvolutionMode.Same).build(), input);
        return name;
    }

    private String concat(String... inputs) {
        String name = "concat" + (++layers);
        graph.addVertex(name, new MergeVertex(), inputs);
        return name;
    }

    /** The paper's filter count × width, never below {@link #MIN_FILTERS}. */
    private int scaled(int filters) {
        return Math.max(MIN_FILTERS, (int) Math.round(filters * width));
    }
}
