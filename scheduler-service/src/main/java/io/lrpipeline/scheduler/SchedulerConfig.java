package io.lrpipeline.scheduler;

import io.lrpipeline.events.schedule.Presets;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** The scheduler's own settings ({@code scheduler.*}; env {@code SCHEDULER_DEFAULT_SCHEDULE} and so on). */
@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {
    /** Preset a run gets when its first worker joins (see {@link Presets#names()}). */
    @WithDefault("inception-v4")
    String defaultSchedule();

    /** Commands that would give any epoch a rate below this are rejected. */
    @WithDefault("1e-6")
    double minLearningRate();

    /** Commands that would give any epoch a rate above this are rejected. */
    @WithDefault("1.0")
    double maxLearningRate();

    /** How long a run waits at an epoch boundary for workers still training that epoch, after the first one finished it. */
    @WithDefault("15s")
    Duration boundaryGrace();

    /** A worker silent for longer than this is declared lost, and the run stops waiting for it. */
    @WithDefault("120s")
    Duration workerTimeout();

    /** How often the clock is looked at between inputs: boundaries whose grace is over, workers silent too long. */
    @WithDefault("1s")
    Duration tick();

    /** How long the REST API waits for a command's outcome. */
    @WithDefault("10s")
    Duration commandTimeout();

    /**
     * A file of Kafka client properties (security.protocol, sasl.*, ssl.*) for every Kafka client of the scheduler,
     * its SmallRye channels included; KAFKA_* environment variables add to it (see {@code KafkaSettings}).
     */
    Optional<String> kafkaConfig();

    /**
     * Whether the page and the REST API ask who calls (HTTP Basic against the embedded properties realm, roles
     * {@code viewer} and {@code operator}); false lets anyone read and send commands (see {@link OpenAccess}).
     */
    @WithName("auth.enabled")
    @WithDefault("true")
    boolean authEnabled();

    default SchedulerRules rules() {
        return new SchedulerRules(Presets.named(defaultSchedule()), minLearningRate(), maxLearningRate(), boundaryGrace(),
                workerTimeout());
    }
}
