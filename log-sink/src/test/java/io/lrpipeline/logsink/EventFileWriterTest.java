package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;

class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void startsWithFileVersion() throws Exception {
        Path file = dir.resolve("events.out.tfevents.1700000000.000001.host-a");
        try (EventFileWriter writer = EventFileWriter.create(file, 1_700_000_000.5)) {
            assertThat(writer.path()).isEqualTo(file);
        }

        List<Event> events = TfEventFiles.readEvents(file);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).getWallTime()).isEqualTo(1_700_000_000.5);
    }

    @Test
    void writesScalarsExactlyWithPluginMetadataOnFirstValueOfEachTag() throws Exception {
        Path file = dir.resolve("f");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.0)) {
            writer.writeScalar("learning rate", 0, 0.045, 2.0);
            writer.writeScalar("learning rate", 1, 0.0423, 3.0);
            writer.writeScalar("loss", 1, 2.302585092994046, 3.0);
        }

        assertThat(TfEventFiles.readScalars(file)).containsExactly(
                new Scalar("learning rate", 0, 0.045, true),
                new Scalar("learning rate", 1, 0.0423, false),
                new Scalar("loss", 1, 2.302585092994046, true));
    }

    @Test
    void writesTextForTheTextPluginAndSessionStarts() throws Exception {
        Path file = dir.resolve("f");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.0)) {
            writer.writeText("schedule/changes", 2, "**v2** ünïcode", 5.0);
            writer.writeSessionStart(7, 6.0);
        }

        List<Event> events = TfEventFiles.readEvents(file);
        Event text = events.get(1);
        assertThat(text.getStep()).isEqualTo(2);
        assertThat(text.getSummary().getValue(0).getTag()).isEqualTo("schedule/changes");
        assertThat(text.getSummary().getValue(0).getMetadata().getPluginData().getPluginName()).isEqualTo("text");
        assertThat(text.getSummary().getValue(0).getTensor().getStringVal(0).toStringUtf8()).isEqualTo("**v2** ünïcode");
        assertThat(events.get(2).getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);
        assertThat(events.get(2).getStep()).isEqualTo(7);
    }

    @Test
    void nothingReachesTheFileBeforeFlushThenWholeRecords() throws Exception {
        Path file = dir.resolve("f");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.0)) {
            writer.writeScalar("accuracy", 5, 0.5, 2.0);
            assertThat(Files.size(file)).isZero();
            long expected = writer.length();

            writer.flush();

            assertThat(Files.size(file)).isEqualTo(expected);
            assertThat(TfEventFiles.readScalars(file)).containsExactly(new Scalar("accuracy", 5, 0.5, true));
        }
    }
}
