package io.lrpipeline.events;

/**
 * A model scored on a held-out split: mean loss, top-1 accuracy, top-5 accuracy ({@code null} when the data has
 * 5 classes or fewer, where it is always 1) and how many images were scored.
 */
public record Evaluation(double loss, double accuracy, Double top5Accuracy, int samples) {
    public Evaluation {
        if (!Double.isFinite(loss) || loss < 0) {
            throw new IllegalArgumentException("loss must be finite and >= 0, was " + loss);
        }
        requireFraction("accuracy", accuracy);
        if (top5Accuracy != null) {
            requireFraction("top5Accuracy", top5Accuracy);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
        }
    }
}
