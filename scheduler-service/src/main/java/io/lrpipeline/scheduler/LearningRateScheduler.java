package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.TrainingMetric;
import io.lrpipeline.events.schedule.Presets;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Wires the channels to {@link RunSchedules}: metrics in, learning-rate events and run state out, keyed by run id. */
@ApplicationScoped
public class LearningRateScheduler {
    private static final Logger LOG = Logger.getLogger(LearningRateScheduler.class);

    private final RunSchedules schedules;
    private final Emitter<String> lrEvents;
    private final Emitter<String> state;

    @Inject
    public LearningRateScheduler(SchedulerConfig config,
            @Channel("lr-events") Emitter<String> lrEvents,
            @Channel("lr-state") Emitter<String> state) {
        this.schedules = new RunSchedules(Presets.named(config.defaultSchedule()), Clock.systemUTC(),
                () -> UUID.randomUUID().toString());
        this.lrEvents = lrEvents;
        this.state = state;
        LOG.infof("default schedule for new runs: %s", config.defaultSchedule());
    }

    @Incoming("training-metrics")
    public void onMetric(String payload) {
        TrainingMetric metric;
        try {
            metric = EventJson.read(payload, TrainingMetric.class);
        } catch (InvalidEventException e) {
            LOG.warnf("ignoring invalid training metric: %s", e.getMessage());
            return;
        }
        RunSchedules.Reaction reaction = schedules.onMetric(metric);
        reaction.state().ifPresent(s -> state.send(KafkaRecord.of(s.runId(), EventJson.write(s))));
        for (LearningRateChanged event : reaction.events()) {
            lrEvents.send(KafkaRecord.of(event.runId(), EventJson.write(event)));
            LOG.infof("run %s epoch %d: learning rate %s (schedule v%d)", event.runId(), event.epoch(), event.learningRate(),
                    event.scheduleVersion());
        }
    }
}
