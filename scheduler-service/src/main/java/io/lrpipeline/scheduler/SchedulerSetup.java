package io.lrpipeline.scheduler;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the one {@link RunSchedules} of this process, empty ({@link DecisionLoop} fills it with the runs of the
 * partitions the consumer group gives this instance, from {@code lr.state}), and the {@link RunsView} of every run.
 */
public class SchedulerSetup {
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
    RunsView runsView(CommandOutcomes outcomes, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        RunsView view = new RunsView(bootstrapServers, outcomes);
        view.start();
        return view;
    }

    void close(@Disposes RunsView view) throws InterruptedException {
        view.close();
    }
}
