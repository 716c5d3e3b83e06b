package io.lrpipeline.trainer;

import io.lrpipeline.events.Evaluation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records what the training loop asks of the model, in order: 2 steps of 4 images per epoch and replica. Replica
 * {@code r} tells a rate of {@code learningRate / (r + 1)}, so that what is reported can be told from what was set.
 */
public final class RecordingModel implements TrainableModel {
    public final List<String> calls = new ArrayList<>();
    private final int replicas;
    private final String shape;
    double learningRate = 0.045;
    long iterations;

    public RecordingModel(int replicas) {
        this(replicas, "a recording model");
    }

    /** A model that says it is of {@code shape}. */
    public RecordingModel(int replicas, String shape) {
        this.replicas = replicas;
        this.shape = shape;
    }

    @Override
    public int replicas() {
        return replicas;
    }

    @Override
    public void setLearningRate(double rate) {
        calls.add("lr " + rate + " at " + iterations);
        learningRate = rate;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public int stepsInEpoch(int epoch) {
        return 2;
    }

    @Override
    public EpochResult train(int epoch, int fromStep, int toStep, EpochListener listener) {
        for (int replica = 0; replica < replicas; replica++) {
            double rate = learningRate / (replica + 1);
            listener.started(replica, rate, iterations);
            for (int step = fromStep + 1; step <= toStep; step++) {
                listener.step(new Step(replica, iterations + step - fromStep, step, 2, 1.0 + epoch + replica, 4, rate));
            }
        }
        iterations += toStep - fromStep;
        calls.add("steps " + (fromStep + 1) + "-" + toStep + " at " + iterations);
        return new EpochResult(toStep - fromStep, 4 * (toStep - fromStep) * replicas, 1.0 + epoch, 0.25 * (toStep - fromStep),
                0.75 * (toStep - fromStep), Double.NaN);
    }

    @Override
    public void endEpoch(int epoch) {
        calls.add("end at " + iterations);
    }

    @Override
    public String shape() {
        return shape;
    }

    @Override
    public void writeState(OutputStream out) throws IOException {
        new DataOutputStream(out).writeLong(iterations);
        new DataOutputStream(out).writeDouble(learningRate);
    }

    @Override
    public void readState(InputStream in) throws IOException {
        iterations = new DataInputStream(in).readLong();
        learningRate = new DataInputStream(in).readDouble();
        calls.add("restored at " + iterations);
    }

    @Override
    public Optional<Evaluation> validate() {
        calls.add("validate at " + iterations);
        return Optional.of(new Evaluation(0.9, 0.5, 0.75, 100));
    }

    @Override
    public Optional<Evaluation> test() {
        calls.add("test at " + iterations);
        return Optional.of(new Evaluation(0.8, 0.6, null, 200));
    }

    @Override
    public long iterations() {
        return iterations;
    }
}
