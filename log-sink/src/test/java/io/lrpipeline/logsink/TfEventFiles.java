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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;
import org.tensorflow.proto.TensorProto;

/**
 * An independent reader of TensorBoard event files for tests: its own TFRecord parsing and CRC check,
 * TensorFlow's generated protos for the records, and protobuf's dynamic messages, declared from TensorBoard's
 * {@code plugin_data.proto}, for the HParams data. It shares no code with the writer.
 *
 * <p>Scalars are read as TensorBoard's default loader, the Rust data server, reads them, and a file holding one it
 * would drop fails the read. The rules, from {@code tensorboard/data/server/data_compat.rs} (tag 2.21.0): a time
 * series' kind comes from the metadata of its first value ({@code SummaryValue::initial_metadata}: plugin name
 * {@code "scalars"}, or a {@code simple_value}); a value becomes a point only if it is a {@code simple_value} or a
 * rank-0 {@code DT_FLOAT} tensor with exactly one {@code float_val} or four bytes of {@code tensor_content}
 * ({@code tensor_proto_to_scalar}); anything else, a {@code DT_DOUBLE} included, is {@code DataLoss} and is not
 * shown (TensorBoard's own test {@code test_enrich_non_float_rank_0_tensors}). The metadata is required on the first
 * value of each tag in each file, as the Python loader reads each file's metadata on its own.
 */
public final class TfEventFiles {
    private static final String SCALARS_PLUGIN = "scalars";

    /** One scalar as TensorBoard shows it: the float32 it stores, widened to a double. */
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

    /**
     * The scalars of one file, in file order, each one checked against the data server's rules (see the class
     * comment). @throws IOException naming the file, tag and step of a value the data server would drop, or of a tag
     * whose first value in the file has no plugin metadata
     */
    public static List<Scalar> readScalars(Path file) throws IOException {
        List<Scalar> scalars = new ArrayList<>();
        TagPlugins plugins = new TagPlugins(file);
        for (Event event : readEvents(file)) {
            for (Summary.Value value : event.getSummary().getValueList()) {
                if (plugins.of(value, event).equals(SCALARS_PLUGIN)) {
                    boolean withMetadata = value.getMetadata().getPluginData().getPluginName().equals(SCALARS_PLUGIN);
                    scalars.add(new Scalar(value.getTag(), event.getStep(), plugins.scalar(value, event), withMetadata));
                }
            }
        }
        return scalars;
    }

    /** The kind of each tag of one file, from the metadata of its first value in the file, and the data server's reading. */
    private static final class TagPlugins {
        private final Path file;
        private final Map<String, String> byTag = new HashMap<>();

        TagPlugins(Path file) {
            this.file = file;
        }

        /** The plugin of the value's tag: {@code SummaryValue::initial_metadata}, required on the tag's first value. */
        String of(Summary.Value value, Event event) throws IOException {
            String plugin = byTag.get(value.getTag());
            if (plugin == null) {
                plugin = value.hasSimpleValue() ? SCALARS_PLUGIN : value.getMetadata().getPluginData().getPluginName();
                if (plugin.isEmpty()) {
                    throw new IOException(where(value, event) + ": the tag's first value in this file has no plugin metadata");
                }
                byTag.put(value.getTag(), plugin);
            }
            return plugin;
        }

        /** The value of a scalar as {@code tensor_proto_to_scalar} reads it, or why the data server drops it. */
        float scalar(Summary.Value value, Event event) throws IOException {
            if (value.hasSimpleValue()) {
                return value.getSimpleValue();
            }
            TensorProto tensor = value.getTensor();
            if (tensor.getTensorShape().getDimCount() != 0) {
                throw new IOException(where(value, event) + ": a scalar must be a rank-0 tensor, this one has shape "
                        + tensor.getTensorShape());
            }
            if (tensor.getDtype() != DataType.DT_FLOAT) {
                throw new IOException(where(value, event) + ": a scalar must be DT_FLOAT, this one is " + tensor.getDtype()
                        + ", which TensorBoard's data server drops");
            }
            if (tensor.getFloatValCount() == 1) {
                return tensor.getFloatVal(0);
            }
            if (tensor.getFloatValCount() == 0 && tensor.getTensorContent().size() == Float.BYTES) {
                return tensor.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
            }
            throw new IOException(where(value, event) + ": a DT_FLOAT scalar needs exactly one float_val or 4 bytes of tensor_content");
        }

        private String where(Summary.Value value, Event event) {
            return file + ": tag '" + value.getTag() + "' step " + event.getStep();
        }
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

    /**
     * Every point of {@code dir}, in reading order, with session starts as {@code "START"} points: a scalar's value
     * as the data server reads it (checked as in {@link #readScalars}), a text's string, otherwise the plugin name.
     */
    public static List<Point> readPointsIn(Path dir) throws IOException {
        List<Point> points = new ArrayList<>();
        for (Path file : eventFiles(dir)) {
            TagPlugins plugins = new TagPlugins(file);
            for (Event event : readEvents(file)) {
                if (event.hasSessionLog() && event.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
                    points.add(new Point("START", event.getStep(), event.getWallTime(), ""));
                }
                for (Summary.Value value : event.getSummary().getValueList()) {
                    String plugin = plugins.of(value, event);
                    String shown = plugin.equals(SCALARS_PLUGIN) ? Float.toString(plugins.scalar(value, event))
                            : value.getTensor().getStringValCount() > 0 ? value.getTensor().getStringVal(0).toStringUtf8()
                            : plugin;
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

    /**
     * What TensorBoard's default loader, the Rust data server, shows of {@code dir}: it ignores session starts, and
     * within each tag's series a point at a step not after the newest read drops the points read before it at that
     * step or after ({@code reservoir.rs}: preemption by step).
     */
    public static List<Point> defaultLoaderView(Path dir) throws IOException {
        List<Point> view = new ArrayList<>();
        Map<String, Long> newest = new HashMap<>();
        for (Point point : readPointsIn(dir)) {
            if (point.tag().equals("START")) {
                continue;
            }
            Long last = newest.get(point.tag());
            if (last != null && point.step() <= last) {
                view.removeIf(earlier -> earlier.tag().equals(point.tag()) && earlier.step() >= point.step());
            }
            newest.put(point.tag(), point.step());
            view.add(point);
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
