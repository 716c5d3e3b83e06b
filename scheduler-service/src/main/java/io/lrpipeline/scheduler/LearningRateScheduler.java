package io.lrpipeline.scheduler;

import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Runs the {@link DecisionLoop} for the life of the application and tells the log and the meters what each committed
 * transaction published and how long it took (REST callers get their outcome from {@link RunsView}, whichever instance
 * decided).
 */
@ApplicationScoped
public class LearningRateScheduler {
    private static final Logger LOG = Logger.getLogger(LearningRateScheduler.class);

    private final DecisionLoop loop;

    public LearningRateScheduler(RunSchedules schedules, MeterRegistry meters, SchedulerConfig config, KafkaSettings kafka) {
        Timer transactions = Timer.builder("scheduler.transaction")
                .description("one poll's decisions published: begin to commit of its Kafka transaction")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.loop = new DecisionLoop(kafka, schedules, config.tick(), Clock.systemUTC(), (publication, took) -> {
            transactions.record(took);
            for (LearningRateChanged event : publication.events()) {
                meters.counter("scheduler.lr.events").increment();
                LOG.infof("run %s epoch %d: learning rate %s (%s)", event.runId(), event.epoch(), event.learningRate(), event.reason());
            }
            publication.rejections().forEach(r -> LOG.infof("rejected command %s for run %s: %s", r.commandId(), r.runId(), r.reason()));
            publication.outcomes().forEach(outcome ->
                    meters.counter("scheduler.commands", "status", outcome.status().name().toLowerCase()).increment());
        });
    }

    DecisionLoop.Status status() {
        return loop.status();
    }

    void start(@Observes StartupEvent started) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        loop.close();
    }
}
