package io.lrpipeline.scheduler;

import io.lrpipeline.kafka.KafkaSettings;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the one {@link RunSchedules} of this process, empty ({@link DecisionLoop} fills it with the runs of the
 * partitions the consumer group gives this instance, from {@code lr.state}), and the {@link RunsView} of every run.
 */
public class SchedulerSetup {
    /** The identifier of the Kafka configuration SmallRye's channels take ({@code kafka-configuration=lr-kafka}). */
    static final String CHANNELS = "lr-kafka";

    /** How every Kafka client of this process reaches the broker: the channels, the decision loop, the view. */
    @Produces
    @Singleton
    KafkaSettings kafkaSettings(SchedulerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        return KafkaSettings.load(bootstrapServers, config.kafkaConfig().map(Path::of), System.getenv());
    }

    @Produces
    @Identifier(CHANNELS)
    Map<String, Object> channelConfig(KafkaSettings kafka) {
        return kafka.forProducersAndConsumers();
    }

    @Produces
    @ApplicationScoped
    RunSchedules runSchedules(SchedulerConfig config) {
        return new RunSchedules(config.rules(), Clock.systemUTC(), () -> UUID.randomUUID().toString());
    }

    @Produces
    @ApplicationScoped
    CommandOutcomes commandOutcomes() {
        return new CommandOutcomes();
    }

    @Produces
    @ApplicationScoped
    @Startup
    RunsView runsView(CommandOutcomes outcomes, KafkaSettings kafka) {
        RunsView view = new RunsView(kafka, outcomes);
        view.start();
        return view;
    }

    void close(@Disposes RunsView view) throws InterruptedException {
        view.close();
    }
}
