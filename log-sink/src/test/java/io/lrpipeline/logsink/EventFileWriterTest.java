package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrpipeline.logsink.TfEventFiles.Scalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;
import org.tensorflow.proto.SummaryMetadata;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

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
    void writesScalarsWithPluginMetadataOnFirstValueOfEachTag() throws Exception {
        Path file = dir.resolve("f");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.0)) {
            writer.writeScalar("learning rate", 0, 0.045f, 2.0);
            writer.writeScalar("learning rate", 1, 0.0423f, 3.0);
            writer.writeScalar("loss", 1, 2.3025851f, 3.0);
        }

        assertThat(TfEventFiles.readScalars(file)).containsExactly(
                new Scalar("learning rate", 0, 0.045f, true),
                new Scalar("learning rate", 1, 0.0423f, false),
                new Scalar("loss", 1, 2.3025851f, true));
    }

    /** What {@code tf.summary.scalar} writes and TensorBoard's data server reads ({@code tensor_proto_to_scalar}). */
    @Test
    void writesEachScalarAsARankZeroFloatTensorWithOneValue() throws Exception {
        Path file = dir.resolve("f");
        try (EventFileWriter writer = EventFileWriter.create(file, 1.0)) {
            writer.writeScalar("learning rate", 0, 0.045f, 2.0);
        }

        Summary.Value value = TfEventFiles.readEvents(file).get(1).getSummary().getValue(0);
        assertThat(value.getTensor().getDtype()).isEqualTo(DataType.DT_FLOAT);
        assertThat(value.getTensor().hasTensorShape()).isTrue();
        assertThat(value.getTensor().getTensorShape().getDimCount()).isZero();
        assertThat(value.getTensor().getFloatValList()).containsExactly(0.045f);
        assertThat(value.getMetadata().getPluginData().getPluginName()).isEqualTo("scalars");
        assertThat(value.getMetadata().getDataClassValue()).isEqualTo(1); // DATA_CLASS_SCALAR
    }

    /** The reader the tests rely on refuses what the data server drops: the scalars the log-sink wrote before DT_FLOAT. */
    @Test
    void theTestReaderRefusesADoubleScalarAsTensorBoardsDataServerWould() throws Exception {
        Path file = dir.resolve("f");
        Summary.Value value = Summary.Value.newBuilder().setTag("learning rate")
                .setMetadata(SummaryMetadata.newBuilder().setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("scalars")))
                .setTensor(TensorProto.newBuilder().setDtype(DataType.DT_DOUBLE).setTensorShape(TensorShapeProto.getDefaultInstance())
                        .addDoubleVal(0.045))
                .build();
        byte[] event = Event.newBuilder().setStep(0).setSummary(Summary.newBuilder().addValue(value)).build().toByteArray();
        Files.write(file, RecordWriter.frame(event));

        assertThatThrownBy(() -> TfEventFiles.readScalars(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("tag 'learning rate' step 0").hasMessageContaining("DT_DOUBLE");
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
            writer.writeScalar("accuracy", 5, 0.5f, 2.0);
            assertThat(Files.size(file)).isZero();
            long expected = writer.length();

            writer.flush();

            assertThat(Files.size(file)).isEqualTo(expected);
            assertThat(TfEventFiles.readScalars(file)).containsExactly(new Scalar("accuracy", 5, 0.5, true));
        }
    }
}
