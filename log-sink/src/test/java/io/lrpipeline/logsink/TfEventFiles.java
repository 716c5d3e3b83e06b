package io.lrpipeline.logsink;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.StructProto;
import com.google.protobuf.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * An independent reader of TensorBoard event files for tests: its own TFRecord parsing and CRC check,
 * TensorFlow's generated protos for the records, and protobuf's dynamic messages, declared from TensorBoard's
 * {@code plugin_data.proto}, for the HParams data. It shares no code with the writer.
 */
public final class TfEventFiles {
    /** One scalar as TensorBoard would show it. */
    public record Scalar(String tag, long step, double value, boolean pluginMetadata) {}

    /** One point of any kind, as the tests compare them: scalar value or text, with its wall time. */
    public record Point(String tag, long step, double wallTime, String value) {}

    /** Every record of one file, each CRC checked; a bad or torn record fails the read. */
    public static List<Event> readEvents(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (bytes.hasRemaining()) {
            if (bytes.remaining() < 12) {
                throw new IOException(file + ": torn record header at " + bytes.position());
            }
            byte[] length = new byte[8];
            bytes.get(length);
            checkCrc(file, "length", length, bytes.getInt());
            long size = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (size > bytes.remaining() - 4) {
                throw new IOException(file + ": torn record of " + size + " bytes at " + bytes.position());
            }
            byte[] data = new byte[(int) size];
            bytes.get(data);
            checkCrc(file, "data", data, bytes.getInt());
            events.add(Event.parseFrom(data));
        }
        return events;
    }

    /** The scalars of one file, in file order. */
    public static List<Scalar> readScalars(Path file) throws IOException {
        List<Scalar> scalars = new ArrayList<>();
        for (Event event : readEvents(file)) {
            for (Summary.Value value : event.getSummary().getValueList()) {
                if (isScalar(value)) {
                    boolean plugin = value.getMetadata().getPluginData().getPluginName().equals("scalars");
                    scalars.add(new Scalar(value.getTag(), event.getStep(), number(value), plugin));
                }
            }
        }
        return scalars;
    }

    /** The event files directly in {@code dir}, in the name order TensorBoard reads them. */
    public static List<Path> eventFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    /** The scalars of every event file directly in {@code dir}. */
    public static List<Scalar> readScalarsIn(Path dir) throws IOException {
        List<Scalar> scalars = new ArrayList<>();
        for (Path file : eventFiles(dir)) {
            scalars.addAll(readScalars(file));
        }
        return scalars;
    }

    /** Every scalar and text point of {@code dir}, in reading order, with session starts as {@code "START"} points. */
    public static List<Point> readPointsIn(Path dir) throws IOException {
        List<Point> points = new ArrayList<>();
        for (Path file : eventFiles(dir)) {
            for (Event event : readEvents(file)) {
                if (event.hasSessionLog() && event.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
                    points.add(new Point("START", event.getStep(), event.getWallTime(), ""));
                }
                for (Summary.Value value : event.getSummary().getValueList()) {
                    String shown = isScalar(value) ? Double.toString(number(value))
                            : value.getTensor().getStringValCount() > 0 ? value.getTensor().getStringVal(0).toStringUtf8()
                            : value.getMetadata().getPluginData().getPluginName();
                    points.add(new Point(value.getTag(), event.getStep(), event.getWallTime(), shown));
                }
            }
        }
        return points;
    }

    /**
     * What TensorBoard shows of {@code dir}: its points read in order, each session start at step T dropping the
     * points read before it with a step at or after T (TensorBoard's purge on {@code SessionLog.START}).
     */
    public static List<Point> tensorBoardView(Path dir) throws IOException {
        List<Point> view = new ArrayList<>();
        for (Point point : readPointsIn(dir)) {
            if (point.tag().equals("START")) {
                view.removeIf(earlier -> earlier.step() >= point.step());
            } else {
                view.add(point);
            }
        }
        return view;
    }

    /** The hyper-parameters of the HParams {@code SessionStartInfo} records in {@code dir}, one map per record. */
    public static List<Map<String, Object>> hyperParametersIn(Path dir) throws IOException {
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (Path file : eventFiles(dir)) {
            for (Event event : readEvents(file)) {
                for (Summary.Value value : event.getSummary().getValueList()) {
                    if (value.getMetadata().getPluginData().getPluginName().equals("hparams")) {
                        sessions.add(hyperParameters(value.getMetadata().getPluginData().getContent().toByteArray()));
                    }
                }
            }
        }
        return sessions;
    }

    private static boolean isScalar(Summary.Value value) {
        return value.hasSimpleValue() || value.getTensor().getDoubleValCount() > 0;
    }

    private static double number(Summary.Value value) {
        return value.hasTensor() ? value.getTensor().getDoubleVal(0) : value.getSimpleValue();
    }

    private static Map<String, Object> hyperParameters(byte[] pluginContent) throws IOException {
        DynamicMessage data = DynamicMessage.parseFrom(HParamsProtos.PLUGIN_DATA, pluginContent);
        DynamicMessage start = (DynamicMessage) data.getField(HParamsProtos.PLUGIN_DATA.findFieldByName("session_start_info"));
        Map<String, Object> values = new TreeMap<>();
        for (Object entry : (List<?>) start.getField(HParamsProtos.SESSION_START_INFO.findFieldByName("hparams"))) {
            DynamicMessage pair = (DynamicMessage) entry;
            String key = (String) pair.getField(pair.getDescriptorForType().findFieldByName("key"));
            Value value = Value.parseFrom(((com.google.protobuf.Message) pair.getField(pair.getDescriptorForType().findFieldByName("value"))).toByteString());
            values.put(key, switch (value.getKindCase()) {
                case NUMBER_VALUE -> value.getNumberValue();
                case BOOL_VALUE -> value.getBoolValue();
                default -> value.getStringValue();
            });
        }
        values.put("(group_name)", start.getField(HParamsProtos.SESSION_START_INFO.findFieldByName("group_name")));
        return values;
    }

    /** {@code HParamsPluginData} and {@code SessionStartInfo} as TensorBoard's plugin_data.proto declares them. */
    private static final class HParamsProtos {
        static final Descriptor PLUGIN_DATA;
        static final Descriptor SESSION_START_INFO;

        static {
            FieldDescriptorProto key = field("key", 1, Type.TYPE_STRING, null, Label.LABEL_OPTIONAL);
            FieldDescriptorProto value = field("value", 2, Type.TYPE_MESSAGE, ".google.protobuf.Value", Label.LABEL_OPTIONAL);
            DescriptorProto entry = DescriptorProto.newBuilder().setName("HparamsEntry").addField(key).addField(value)
                    .setOptions(MessageOptions.newBuilder().setMapEntry(true)).build();
            DescriptorProto startInfo = DescriptorProto.newBuilder().setName("SessionStartInfo")
                    .addField(field("hparams", 1, Type.TYPE_MESSAGE, ".tb.SessionStartInfo.HparamsEntry", Label.LABEL_REPEATED))
                    .addField(field("model_uri", 2, Type.TYPE_STRING, null, Label.LABEL_OPTIONAL))
                    .addField(field("monitor_url", 3, Type.TYPE_STRING, null, Label.LABEL_OPTIONAL))
                    .addField(field("group_name", 4, Type.TYPE_STRING, null, Label.LABEL_OPTIONAL))
                    .addField(field("start_time_secs", 5, Type.TYPE_DOUBLE, null, Label.LABEL_OPTIONAL))
                    .addNestedType(entry).build();
            DescriptorProto pluginData = DescriptorProto.newBuilder().setName("HParamsPluginData")
                    .addField(field("version", 1, Type.TYPE_INT32, null, Label.LABEL_OPTIONAL))
                    .addField(field("session_start_info", 3, Type.TYPE_MESSAGE, ".tb.SessionStartInfo", Label.LABEL_OPTIONAL))
                    .build();
            FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("plugin_data.proto").setPackage("tb")
                    .setSyntax("proto3").addDependency("google/protobuf/struct.proto")
                    .addMessageType(startInfo).addMessageType(pluginData).build();
            try {
                Descriptors.FileDescriptor built = Descriptors.FileDescriptor.buildFrom(file,
                        new Descriptors.FileDescriptor[] {StructProto.getDescriptor()});
                PLUGIN_DATA = built.findMessageTypeByName("HParamsPluginData");
                SESSION_START_INFO = built.findMessageTypeByName("SessionStartInfo");
            } catch (Descriptors.DescriptorValidationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static FieldDescriptorProto field(String name, int number, Type type, String typeName, Label label) {
            FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                    .setType(type).setLabel(label);
            if (typeName != null) {
                field.setTypeName(typeName);
            }
            return field.build();
        }
    }

    private static void checkCrc(Path file, String what, byte[] bytes, int stored) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        long value = crc.getValue();
        long masked = ((((value >>> 15) | (value << 17)) & 0xFFFFFFFFL) + 0xa282ead8L) & 0xFFFFFFFFL;
        if ((int) masked != stored) {
            throw new IOException(file + ": bad " + what + " CRC");
        }
    }

    private TfEventFiles() {}
}
