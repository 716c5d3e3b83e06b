package io.lrpipeline.scheduler;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Builds the one {@link RunSchedules} of this process, at start-up and before any message is handled: it takes back
 * the runs kept in {@code lr.state} and publishes any rate event a crash left between the state and {@code lr.events}.
 */
public class SchedulerSetup {
    private static final Logger LOG = Logger.getLogger(SchedulerSetup.class);

    @Produces
    @ApplicationScoped
    @Startup
    RunSchedules runSchedules(SchedulerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        RunSchedules schedules = new RunSchedules(config.rules(), Clock.systemUTC(), () -> UUID.randomUUID().toString());
        TopicHistory history = new TopicHistory(bootstrapServers);
        var states = history.runStates();
        schedules.restore(states);
        int republished = history.publishMissing(schedules.issuedEvents());
        LOG.infof("default schedule for new runs: %s; took back %d run(s) from lr.state, republished %d unsent event(s)",
                config.defaultSchedule(), states.size(), republished);
        return schedules;
    }

    @Produces
    @ApplicationScoped
    CommandOutcomes commandOutcomes() {
        return new CommandOutcomes();
    }
}
