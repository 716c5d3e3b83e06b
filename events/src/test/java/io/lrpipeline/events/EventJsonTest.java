package io.lrpipeline.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.TrainingMetric.EpochEnded;
import io.lrpipeline.events.TrainingMetric.EpochStarted;
import io.lrpipeline.events.TrainingMetric.WorkerFinished;
import io.lrpipeline.events.TrainingMetric.RateSource;
import io.lrpipeline.events.schedule.Presets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00.123456Z");

    @Test
    void learningRateEventSurvivesRoundTripExactly() {
        LearningRateChanged event = new LearningRateChanged("e-1", "run-a", 3, 0.039762, 2, "step-decay", AT);

        String json = EventJson.write(event);

        assertThat(json).contains("\"schemaVersion\":1").contains("\"learningRate\":0.039762");
        assertThat(EventJson.read(json, LearningRateChanged.class)).isEqualTo(event);
    }

    @Test
    void trainingMetricRoundTripKeepsItsType() {
        TrainingMetric metric = new EpochStarted("run-a", "worker-1", 2, 0.0423, 1, RateSource.SCHEDULER, "e-7", 40, AT);

        String json = EventJson.write(metric);

        assertThat(json).contains("\"type\":\"epoch-started\"");
        assertThat(EventJson.read(json, TrainingMetric.class)).isEqualTo(metric);
    }

    @Test
    void runStateRoundTripKeepsPlanMembersAndHistory() {
        SchedulePlan plan = SchedulePlan.of(Presets.named(Presets.INCEPTION_V4))
                .from(3, Presets.named(Presets.REDUCE_ON_PLATEAU)).pausedAt(5, 0.01);
        RunState state = new RunState("run-a", 3, plan, 2, 10,
                Map.of("w-0", new RunState.Member(2, AT, RunState.MemberStatus.ACTIVE, new TreeMap<>(Map.of(0, new RunState.AppliedRate(0.045, 1, RateSource.SCHEDULER))))),
                new TreeMap<>(Map.of(0, new RunState.IssuedRate(0.045, 1, "e-1", "step-decay v1", AT))),
                new TreeMap<>(Map.of(0, EpochSummary.NONE.with(2.1, new Evaluation(1.9, 0.3, 0.8, 500)).with(2.0, null))),
                List.of(new RunState.ScheduleChange(2, "c-1", "set-schedule", "alice", "plateau", AT, null, 3, "reduce-on-plateau from 3")),
                List.of(SchedulePlan.of(Presets.named(Presets.INCEPTION_V4))), AT);

        assertThat(EventJson.read(EventJson.write(state), RunState.class)).isEqualTo(state);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        String json = EventJson.write(new LearningRateChanged("e-1", "run-a", 0, 0.045, 1, "", AT));

        String newer = json.replace("{", "{\"priority\":\"high\",");

        assertThat(EventJson.read(newer, LearningRateChanged.class).learningRate()).isEqualTo(0.045);
    }

    @Test
    void rejectsMalformedJsonWithAReason() {
        assertThatThrownBy(() -> EventJson.read("{\"runId\": ", LearningRateChanged.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not a valid LearningRateChanged");
    }

    @Test
    void rejectsNegativeLearningRate() {
        String json = EventJson.write(new LearningRateChanged("e-1", "run-a", 0, 0.045, 1, "", AT))
                .replace("0.045", "-0.1");

        assertThatThrownBy(() -> EventJson.read(json, LearningRateChanged.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("learningRate must be finite, > 0");
    }

    @Test
    void epochEndAndFinishCarryTheirEvaluationsOrNone() {
        List<TrainingMetric> metrics = List.of(
                new EpochEnded("run-a", "w0", 1, 40, 1.7, new Evaluation(1.2, 0.61, 0.97, 5000), 22.5, 0.045, AT),
                new EpochEnded("run-a", "w0", 2, 80, 1.5, null, 22.5, 0.045, AT),
                new WorkerFinished("run-a", "w0", 3, new Evaluation(1.1, 0.64, null, 10000), AT),
                new WorkerFinished("run-a", "w0", 3, null, AT));

        for (TrainingMetric metric : metrics) {
            assertThat(EventJson.read(EventJson.write(metric), TrainingMetric.class)).isEqualTo(metric);
        }
    }

    @Test
    void rejectsAnEvaluationOutOfRange() {
        String json = EventJson.write(new EpochEnded("run-a", "w0", 1, 40, 1.7, new Evaluation(1.2, 0.61, null, 5000), 22.5, 0.045, AT))
                .replace("0.61", "1.61");

        assertThatThrownBy(() -> EventJson.read(json, TrainingMetric.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("accuracy must be in [0, 1], was 1.61");
    }

    @Test
    void rejectsMissingRunId() {
        assertThatThrownBy(() -> EventJson.read(
                        "{\"eventId\":\"e\",\"epoch\":0,\"learningRate\":0.1,\"scheduleVersion\":1,\"issuedAt\":\"2026-01-01T00:00:00Z\"}",
                        LearningRateChanged.class))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void rejectsOversizedPayloadBeforeParsing() {
        String huge = "{\"reason\":\"" + "x".repeat(EventJson.MAX_PAYLOAD_CHARS) + "\"}";

        assertThatThrownBy(() -> EventJson.read(huge, LearningRateChanged.class))
                .hasMessageContaining("more than " + EventJson.MAX_PAYLOAD_CHARS);
    }
}
