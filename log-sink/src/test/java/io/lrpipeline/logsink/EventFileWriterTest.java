package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void namesFileForTensorBoardAndStartsWithFileVersion() throws Exception {
        try (EventFileWriter writer = EventFileWriter.create(dir, 1_700_000_000.5, "host-a", 42, 3)) {
            assertThat(writer.path().getFileName().toString()).isEqualTo("events.out.tfevents.1700000000.host-a.42.3");
        }

        List<Event> events = TfEventFiles.readEvents(dir.resolve("events.out.tfevents.1700000000.host-a.42.3"));

        assertThat(events).hasSize(1);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).getWallTime()).isEqualTo(1_700_000_000.5);
    }

    @Test
    void writesScalarsExactlyWithPluginMetadataOnFirstValueOfEachTag() throws Exception {
        Path file;
        try (EventFileWriter writer = EventFileWriter.create(dir, 1.0, "h", 1, 0)) {
            writer.writeScalar("learning rate", 0, 0.045, 2.0);
            writer.writeScalar("learning rate", 1, 0.0423, 3.0);
            writer.writeScalar("loss", 1, 2.302585092994046, 3.0);
            file = writer.path();
        }

        assertThat(TfEventFiles.readScalars(file)).containsExactly(
                new Scalar("learning rate", 0, 0.045, true),
                new Scalar("learning rate", 1, 0.0423, false),
                new Scalar("loss", 1, 2.302585092994046, true));
    }

    @Test
    void flushMakesRecordsReadableWhileFileStaysOpen() throws Exception {
        try (EventFileWriter writer = EventFileWriter.create(dir, 1.0, "h", 1, 0)) {
            writer.writeScalar("accuracy", 5, 0.5, 2.0);

            writer.flush();

            assertThat(TfEventFiles.readScalars(writer.path())).containsExactly(new Scalar("accuracy", 5, 0.5, true));
        }
    }
}
