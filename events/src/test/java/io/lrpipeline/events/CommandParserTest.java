package io.lrpipeline.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.LearningRateCommand.Type;
import io.lrpipeline.events.schedule.Presets;
import io.lrpipeline.events.schedule.ScheduleSpec;
import io.lrpipeline.events.schedule.WorkerScaling;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {
    @Test
    void readsASetScheduleCommandWithScaling() {
        LearningRateCommand command = CommandParser.parse("""
                {"commandId": "c-1", "runId": "run-a", "type": "set-schedule", "fromEpoch": 4,
                 "schedule": {"kind": "exponential", "params": {"initial": 0.02, "gamma": 0.9},
                              "scaling": {"rule": "sqrt", "warmupEpochs": 2}},
                 "by": "alice", "why": "loss plateaued"}""");

        assertThat(command).isEqualTo(new LearningRateCommand("c-1", "run-a", Type.SET_SCHEDULE, 4,
                new ScheduleSpec("exponential", Map.of("initial", 0.02, "gamma", 0.9), null,
                        new WorkerScaling(WorkerScaling.Rule.SQRT, 2, 1)),
                null, null, "alice", "loss plateaued"));
    }

    @Test
    void readsWhatItWrites() {
        LearningRateCommand override = new LearningRateCommand("c-2", "run-a", Type.OVERRIDE, null, null, 0.001, null, "bob", null);

        assertThat(CommandParser.parse(EventJson.write(override))).isEqualTo(override);
    }

    /** A schedule written by the project (lrctl's set) carries only the contract's fields: the parser refuses any other. */
    @Test
    void readsAScheduleItWrites() {
        for (String preset : Presets.names()) {
            LearningRateCommand set = new LearningRateCommand("c-3", "run-a", Type.SET_SCHEDULE, 2, Presets.named(preset), null, null, "bob", null);

            assertThat(CommandParser.parse(EventJson.write(set))).as(preset).isEqualTo(set);
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{oops|not JSON",
        "[1, 2]|the command must be a JSON object, got array",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\"} trailing|not JSON",
        "{\"commandId\": \"c\", \"commandId\": \"d\", \"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\"}|not JSON: Duplicate field 'commandId'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": 0.01, \"learningRate\": 5}|not JSON: Duplicate field 'learningRate'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\", \"schedule\": {\"kind\": \"constant\", \"params\": {\"rate\": 0.1, \"rate\": 5}}}|not JSON: Duplicate field 'rate'",
        "{\"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\"}|'commandId' is missing",
        "{\"commandId\": 7, \"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\"}|'commandId' must be a string, got number",
        "{\"commandId\": \"c\", \"runId\": \" \", \"type\": \"undo\", \"by\": \"a\"}|'runId' is blank",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"rewind\", \"by\": \"a\"}|unknown command type 'rewind'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\", \"fromEpcoh\": 3}|unknown field 'fromEpcoh'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\"}|override needs a 'learningRate'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": \"0.1\"}|'learningRate' must be a number, got string",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": NaN}|not JSON",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": 1e999}|'learningRate' must be finite",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"learningRate\": 0.1}|override needs 'by'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": 0.1, \"fromEpoch\": -1}|'fromEpoch' must be between 0 and",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"override\", \"by\": \"a\", \"learningRate\": 0.1, \"fromEpoch\": 2.5}|'fromEpoch' must be a whole number",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\"}|set-schedule needs a 'schedule'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\", \"schedule\": {\"kind\": \"wiggle\"}}|unknown schedule kind 'wiggle'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\", \"schedule\": {\"kind\": \"constant\", \"params\": {}}}|needs a finite number 'rate'",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\", \"schedule\": {\"kind\": \"constant\", \"params\": {\"rate\": -1}}}|rate must be a finite number > 0",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"set-schedule\", \"by\": \"a\", \"schedule\": {\"kind\": \"constant\", \"params\": {\"rate\": 0.1}, \"scaling\": {\"rule\": \"cubic\"}}}|'scaling.rule' must be linear, sqrt or none",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"preview\"}|preview needs exactly one of",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"undo\", \"by\": \"a\", \"epochs\": 5}|'epochs' belongs to preview only",
        "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"pause\", \"by\": \"a\", \"learningRate\": 0.1}|pause takes neither",
    })
    void rejectsWithAReason(String payload, String reason) {
        assertThatThrownBy(() -> CommandParser.parse(payload))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void rejectsAnOversizedPayload() {
        String huge = "{\"commandId\": \"c\", \"runId\": \"r\", \"type\": \"undo\", \"by\": \"" + "a".repeat(70_000) + "\"}";

        assertThatThrownBy(() -> CommandParser.parse(huge)).hasMessageContaining("more than 65536");
    }

    @Test
    void findsTheIdentityOfABrokenCommandWhereItCan() {
        assertThat(CommandParser.identity("{\"commandId\": \"c-9\", \"runId\": \"run-a\", \"type\": 3}"))
                .containsEntry("commandId", "c-9").containsEntry("runId", "run-a");
        assertThat(CommandParser.identity("{broken")).isEmpty();
    }
}
