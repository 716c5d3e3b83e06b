package io.lrpipeline.scheduler;

import io.lrpipeline.events.LearningRateChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the {@link DecisionLoop} for the life of the application and tells the log and the meters what each committed
 * transaction published (REST callers get their outcome from {@link RunsView}, whichever instance decided).
 */
@ApplicationScoped
public class LearningRateScheduler {
    private static final Logger LOG = Logger.getLogger(LearningRateScheduler.class);

    private final DecisionLoop loop;

    public LearningRateScheduler(RunSchedules schedules, MeterRegistry meters, SchedulerConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.loop = new DecisionLoop(bootstrapServers, schedules, config.tick(), Clock.systemUTC(), publication -> {
            for (LearningRateChanged event : publication.events()) {
                meters.counter("scheduler.lr.events").increment();
                LOG.infof("run %s epoch %d: learning rate %s (%s)", event.runId(), event.epoch(), event.learningRate(), event.reason());
            }
            publication.rejections().forEach(r -> LOG.infof("rejected command %s for run %s: %s", r.commandId(), r.runId(), r.reason()));
            publication.outcomes().forEach(outcome ->
                    meters.counter("scheduler.commands", "status", outcome.status().name().toLowerCase()).increment());
        });
    }

    void start(@Observes StartupEvent started) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        loop.close();
    }
}
