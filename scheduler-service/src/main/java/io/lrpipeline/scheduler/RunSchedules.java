package io.lrpipeline.scheduler;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import io.lrpipeline.events.schedule.ScheduleSpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The scheduler's decisions, free of Kafka and Quarkus: which learning-rate event (and which state record)
 * a run needs in answer to what its workers report. A run gets the default schedule when its first worker
 * joins; epoch 0's rate goes out then, and epoch e+1's when the first worker ends epoch e. Each epoch's rate
 * is published once per schedule version, so all workers of a run apply the same rate at the same epoch.
 */
public final class RunSchedules {
    /** What to publish in answer to one metric: a state record for {@code lr.state}, events for {@code lr.events}. */
    public record Reaction(Optional<RunState> state, List<LearningRateChanged> events) {
        static final Reaction NONE = new Reaction(Optional.empty(), List.of());
    }

    private static final class Run {
        final ScheduleSpec spec;
        final long version;
        final int epochs;
        final Set<Integer> published = new HashSet<>();

        Run(ScheduleSpec spec, long version, int epochs) {
            this.spec = spec;
            this.version = version;
            this.epochs = epochs;
        }
    }

    private final ScheduleSpec defaultSpec;
    private final Clock clock;
    private final Supplier<String> eventIds;
    private final Map<String, Run> runs = new HashMap<>();

    public RunSchedules(ScheduleSpec defaultSpec, Clock clock, Supplier<String> eventIds) {
        defaultSpec.toSchedule(); // a bad default fails at start, not at the first run
        this.defaultSpec = defaultSpec;
        this.clock = clock;
        this.eventIds = eventIds;
    }

    public synchronized Reaction onMetric(TrainingMetric metric) {
        if (metric instanceof WorkerJoined joined) {
            return react(joined.runId(), joined.epochs(), 0);
        }
        if (metric instanceof EpochEnded ended) {
            return react(ended.runId(), Integer.MAX_VALUE, ended.epoch() + 1);
        }
        return Reaction.NONE;
    }

    private Reaction react(String runId, int epochs, int epoch) {
        Optional<RunState> state = Optional.empty();
        Run run = runs.get(runId);
        if (run == null) {
            run = new Run(defaultSpec, 1, epochs);
            runs.put(runId, run);
            state = Optional.of(new RunState(runId, run.spec, run.version, clock.instant()));
        }
        if (epoch >= run.epochs || !run.published.add(epoch)) {
            return new Reaction(state, List.of());
        }
        double rate = run.spec.toSchedule().at(epoch);
        LearningRateChanged event = new LearningRateChanged(eventIds.get(), runId, epoch, rate, run.version,
                run.spec.kind() + " v" + run.version, clock.instant());
        return new Reaction(state, List.of(event));
    }
}
