package io.lrpipeline.scheduler;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import io.lrpipeline.events.LearningRateChanged;
import io.lrpipeline.events.RunState;
import io.lrpipeline.events.TrainingMetric;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Wires the channels to {@link RunSchedules}: metrics and commands in, one tick a second, and each {@link Decision}
 * out in its order, every record keyed by run id. Each send waits for the broker's ack, so that the state is
 * on {@code lr.state} before the event it records is on {@code lr.events}.
 */
@ApplicationScoped
public class LearningRateScheduler {
    private static final Logger LOG = Logger.getLogger(LearningRateScheduler.class);

    private final RunSchedules schedules;
    private final CommandOutcomes outcomes;
    private final MeterRegistry meters;
    private final MutinyEmitter<String> lrEvents;
    private final MutinyEmitter<String> state;
    private final MutinyEmitter<String> rejected;
    private final MutinyEmitter<String> replies;

    public LearningRateScheduler(RunSchedules schedules, CommandOutcomes outcomes, MeterRegistry meters,
            @Channel("lr-events") MutinyEmitter<String> lrEvents,
            @Channel("lr-state") MutinyEmitter<String> state,
            @Channel("lr-commands-rejected") MutinyEmitter<String> rejected,
            @Channel("lr-commands-replies") MutinyEmitter<String> replies) {
        this.schedules = schedules;
        this.outcomes = outcomes;
        this.meters = meters;
        this.lrEvents = lrEvents;
        this.state = state;
        this.rejected = rejected;
        this.replies = replies;
    }

    @Incoming("training-metrics")
    @Blocking
    public void onMetric(String payload) {
        TrainingMetric metric;
        try {
            metric = EventJson.read(payload, TrainingMetric.class);
        } catch (InvalidEventException e) {
            LOG.warnf("ignoring invalid training metric: %s", e.getMessage());
            meters.counter("scheduler.metrics.invalid").increment();
            return;
        }
        publish(schedules.onMetric(metric));
    }

    @Incoming("lr-commands")
    @Blocking
    public void onCommand(String payload) {
        publish(schedules.onCommand(payload));
    }

    /**
     * Skipped until the application has started: a tick before then would create this bean before Reactive Messaging
     * has wired its emitters (SRMSG00019 "Unable to connect an emitter"). Reactive Messaging starts on the
     * {@code StartupEvent} at priority 1000, {@code ApplicationNotRunning} turns false at the default 2500, after it.
     */
    @Scheduled(every = "${scheduler.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        publish(schedules.tick());
    }

    private void publish(Decision decision) {
        for (RunState run : decision.states()) {
            state.sendMessageAndAwait(KafkaRecord.of(run.runId(), EventJson.write(run)));
        }
        for (LearningRateChanged event : decision.events()) {
            lrEvents.sendMessageAndAwait(KafkaRecord.of(event.runId(), EventJson.write(event)));
            meters.counter("scheduler.lr.events").increment();
            LOG.infof("run %s epoch %d: learning rate %s (%s)", event.runId(), event.epoch(), event.learningRate(), event.reason());
        }
        decision.rejection().ifPresent(r -> {
            rejected.sendMessageAndAwait(KafkaRecord.of(r.runId(), EventJson.write(r)));
            LOG.infof("rejected command %s for run %s: %s", r.commandId(), r.runId(), r.reason());
        });
        decision.outcome().ifPresent(outcome -> {
            replies.sendMessageAndAwait(KafkaRecord.of(outcome.runId(), EventJson.write(outcome)));
            meters.counter("scheduler.commands", "status", outcome.status().name().toLowerCase()).increment();
            outcomes.completed(outcome);
        });
    }
}
