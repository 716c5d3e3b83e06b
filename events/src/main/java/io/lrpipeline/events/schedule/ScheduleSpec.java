package io.lrpipeline.events.schedule;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A schedule as data, as it travels in commands, events and state: a kind, its numeric parameters, the metric a
 * {@code reduce-on-plateau} schedule watches, and an optional scaling by the number of workers. {@link #validate()}
 * says in one sentence what is wrong with a spec; {@link #rate} is the pure function it stands for.
 *
 * <pre>
 * step-decay         initial, factor, every, offset, warmupEpochs
 *                                                     initial · factor^floor((epoch + offset) / every), after a linear warmup
 * exponential        initial, gamma                   initial · gamma^epoch
 * piecewise          "0": rate, "30": rate, …         the rate of the last listed epoch ≤ epoch
 * cosine             peak, warmupEpochs, totalEpochs, min
 * constant           rate
 * reduce-on-plateau  initial, factor, patience, cooldown, minRate, minDelta; monitor validation/accuracy | validation/loss | loss
 * </pre>
 */
public record ScheduleSpec(String kind, Map<String, Double> params, String monitor, WorkerScaling scaling) {
    public static final String STEP_DECAY = "step-decay";
    public static final String EXPONENTIAL = "exponential";
    public static final String PIECEWISE = "piecewise";
    public static final String COSINE = "cosine";
    public static final String CONSTANT = "constant";
    public static final String REDUCE_ON_PLATEAU = "reduce-on-plateau";

    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            STEP_DECAY, Set.of("initial", "factor", "every", "offset", "warmupEpochs"),
            EXPONENTIAL, Set.of("initial", "gamma"),
            COSINE, Set.of("peak", "warmupEpochs", "totalEpochs", "min"),
            CONSTANT, Set.of("rate"),
            REDUCE_ON_PLATEAU, Set.of("initial", "factor", "patience", "cooldown", "minRate", "minDelta"));

    public ScheduleSpec {
        Objects.requireNonNull(kind, "kind");
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public ScheduleSpec(String kind, Map<String, Double> params) {
        this(kind, params, null, null);
    }

    public static Set<String> kinds() {
        Set<String> kinds = new TreeSet<>(PARAMETERS.keySet());
        kinds.add(PIECEWISE);
        return kinds;
    }

    /** Throws an {@link IllegalArgumentException} that names the first thing wrong with this spec. */
    public void validate() {
        if (isMetricDriven()) {
            plateau();
        } else {
            schedule();
        }
    }

    /** Whether the rate depends on the metrics the workers report ({@code reduce-on-plateau}) rather than on the epoch alone. */
    @JsonIgnore // derived from kind: not a field of the contract, which the strict command parser would refuse
    public boolean isMetricDriven() {
        return REDUCE_ON_PLATEAU.equals(kind);
    }

    /**
     * The rate at {@code epoch} in a run of {@code workers} workers; {@code observed} holds the monitored metric of
     * the epochs since this spec took over, in order (used by {@code reduce-on-plateau} only). A scaling warmup
     * counts from epoch 0 of the run.
     */
    public double rate(int epoch, int workers, List<Double> observed) {
        double base = isMetricDriven() ? plateau().rateAfter(observed) : schedule().at(epoch);
        return scaling == null ? base : base * scaling.factor(epoch, workers);
    }

    /** The epoch-only function of this spec; a {@code reduce-on-plateau} spec has none. */
    public Schedule schedule() {
        if (PIECEWISE.equals(kind)) {
            return piecewise();
        }
        requireKnownParameters();
        return switch (kind) {
            case STEP_DECAY -> new StepDecay(require("initial"), require("factor"), whole("every"), wholeOr("offset", 0),
                    wholeOr("warmupEpochs", 0));
            case EXPONENTIAL -> new Exponential(require("initial"), require("gamma"));
            case COSINE -> new CosineWithWarmup(require("peak"), wholeOr("warmupEpochs", 0), whole("totalEpochs"), optional("min", 0));
            case CONSTANT -> new Constant(require("rate"));
            default -> throw new IllegalArgumentException(REDUCE_ON_PLATEAU + " depends on metrics: it has no epoch-only schedule");
        };
    }

    /** The {@code reduce-on-plateau} fold of this spec. */
    public ReduceOnPlateau plateau() {
        if (!isMetricDriven()) {
            throw new IllegalArgumentException(kind + " is not " + REDUCE_ON_PLATEAU);
        }
        requireKnownParameters();
        return new ReduceOnPlateau(require("initial"),
                ReduceOnPlateau.Monitor.named(monitor == null ? "validation/accuracy" : monitor),
                require("factor"), whole("patience"), wholeOr("cooldown", 0), optional("minRate", 0), optional("minDelta", 0));
    }

    private Piecewise piecewise() {
        Map<Integer, Double> rates = new TreeMap<>();
        params.forEach((key, rate) -> {
            try {
                rates.put(Integer.parseInt(key), rate);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("piecewise params map epochs to rates; '" + key + "' is not an epoch");
            }
        });
        return Piecewise.of(rates);
    }

    private void requireKnownParameters() {
        Set<String> known = PARAMETERS.get(kind);
        if (known == null) {
            throw new IllegalArgumentException("unknown schedule kind '" + kind + "' (known: " + String.join(", ", kinds()) + ")");
        }
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' for " + kind + " (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private double require(String name) {
        Double value = params.get(name);
        if (value == null || !Double.isFinite(value)) {
            throw new IllegalArgumentException(kind + " needs a finite number '" + name + "', got " + new TreeMap<>(params));
        }
        return value;
    }

    private double optional(String name, double fallback) {
        return params.containsKey(name) ? require(name) : fallback;
    }

    private int whole(String name) {
        double value = require(name);
        if (value != Math.rint(value) || Math.abs(value) > 1_000_000) {
            throw new IllegalArgumentException(kind + " needs a whole number '" + name + "', got " + value);
        }
        return (int) value;
    }

    private int wholeOr(String name, int fallback) {
        return params.containsKey(name) ? whole(name) : fallback;
    }
}
