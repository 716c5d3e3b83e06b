package io.lrpipeline.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.events.TrainingMetric.WorkerJoined;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"run-20261201-101500", "inception-v4", "a_b", "worker.0", "_scratch", "R2D2"})
    void acceptsIdsThatAreDirectoryNamesAsTheyAre(String id) {
        assertThat(RunIds.problem("runId", id)).isEmpty();
    }

    /** a/b and a_b would share a directory if ids were rewritten; ../../etc would leave the log directory. */
    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../../etc", "..", ".", ".log-sink", "-rf", "run 1", "lauf-ü", "a\\b", "tab\there"})
    void refusesIdsThatAreNotDirectoryNamesAsTheyAre(String id) {
        assertThat(RunIds.problem("runId", id)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("runId '").contains("is not a valid id").contains(RunIds.RULE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 201})
    void refusesIdsThatAreEmptyOrLongerThan200Characters(int length) {
        assertThat(RunIds.problem("workerId", "w".repeat(length))).isPresent();
        assertThat(RunIds.problem("workerId", "w".repeat(200))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../x"})
    void aMetricWhoseRunOrWorkerIdIsNoDirectoryNameIsRejectedWithTheReason(String id) {
        String joined = EventJson.write(new WorkerJoined("run-a", "w0", 1, 2, 0, 0, Map.of(), Instant.parse("2026-12-01T00:00:00Z")));

        assertThatThrownBy(() -> EventJson.read(joined.replace("\"run-a\"", "\"" + id + "\""), TrainingMetric.class))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("runId '" + id + "' is not a valid id");
        assertThatThrownBy(() -> EventJson.read(joined.replace("\"w0\"", "\"" + id + "\""), TrainingMetric.class))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("workerId '" + id + "' is not a valid id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../../etc"})
    void aCommandWhoseRunIdIsNoDirectoryNameIsRejectedWithTheReason(String id) {
        String command = "{\"commandId\": \"c\", \"runId\": \"" + id + "\", \"type\": \"undo\", \"by\": \"a\"}";

        assertThatThrownBy(() -> CommandParser.parse(command)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("'runId' '" + id + "' is not a valid id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "../../etc"})
    void aRejectionCanNameAnyRunIdButOnlyAValidOneAsKnown(String id) {
        Instant at = Instant.parse("2026-12-01T00:00:00Z");

        assertThat(CommandRejected.of("c", id, false, "{}", "unknown run", at).runId()).isEqualTo(id);
        assertThatThrownBy(() -> CommandRejected.of("c", id, true, "{}", "refused", at)).isInstanceOf(IllegalArgumentException.class);
    }
}
