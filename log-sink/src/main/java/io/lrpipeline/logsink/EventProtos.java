package io.lrpipeline.logsink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The serialised {@code tensorflow.Event} records a TensorBoard file holds, and the little the sink reads back
 * from them. Field numbers are those of TensorFlow's {@code event.proto}, {@code summary.proto},
 * {@code tensor.proto}, TensorBoard's {@code plugins/hparams/plugin_data.proto} and protobuf's {@code struct.proto}.
 */
public final class EventProtos {
    static final String FILE_VERSION = "brain.Event:2";
    static final String HPARAMS_TAG = "_hparams_/session_start_info";
    private static final int DT_FLOAT = 1;
    private static final int DT_DOUBLE = 2;
    private static final int DT_STRING = 7;
    private static final int DATA_CLASS_SCALAR = 1;
    private static final int DATA_CLASS_TENSOR = 2;
    private static final int SESSION_LOG_START = 1;

    /**
     * What the sink needs to know of a record it wrote: its step, its tags, whether it starts a session, and how many
     * of its values are {@code DT_DOUBLE} scalars, which log-sinks before DT_FLOAT wrote and TensorBoard's default
     * loader drops.
     */
    public record Written(long step, double wallTime, boolean sessionStart, List<String> tags, int doubleScalars) {}

    /** The first record of every event file. */
    static byte[] fileVersion(double wallTime) {
        return new ProtoWriter().fixedDouble(1, wallTime).string(3, FILE_VERSION).toByteArray();
    }

    /**
     * A scalar as {@code tf.summary.scalar} writes it: a rank-0 {@code DT_FLOAT} tensor (empty shape, one
     * {@code float_val}). That is the only tensor TensorBoard's default loader, the Rust data server, turns into a
     * point ({@code tensor_proto_to_scalar} in {@code tensorboard/data/server/data_compat.rs}); a {@code DT_DOUBLE}
     * is dropped as data loss. {@code withMetadata} marks it for the scalars plugin; TensorBoard needs that on the
     * first value of each tag in each file.
     */
    static byte[] scalar(double wallTime, long step, String tag, float value, boolean withMetadata) {
        ProtoWriter tensor = new ProtoWriter().varint(1, DT_FLOAT).message(2, new ProtoWriter()).packedFloat(5, value);
        return summaryEvent(wallTime, step, tag, tensor, withMetadata ? pluginMetadata("scalars", DATA_CLASS_SCALAR) : null);
    }

    /** Markdown text for the text plugin: a rank-0 {@code DT_STRING} tensor. */
    static byte[] text(double wallTime, long step, String tag, String markdown, boolean withMetadata) {
        ProtoWriter tensor = new ProtoWriter().varint(1, DT_STRING).message(2, new ProtoWriter())
                .bytes(8, markdown.getBytes(StandardCharsets.UTF_8));
        return summaryEvent(wallTime, step, tag, tensor, withMetadata ? pluginMetadata("text", DATA_CLASS_TENSOR) : null);
    }

    /** {@code SessionLog{status: START}} at {@code step}: TensorBoard drops this run's points at or after it read earlier. */
    static byte[] sessionStart(double wallTime, long step) {
        ProtoWriter sessionLog = new ProtoWriter().varint(1, SESSION_LOG_START);
        return new ProtoWriter().fixedDouble(1, wallTime).varint(2, step).message(7, sessionLog).toByteArray();
    }

    /**
     * The HParams dashboard's {@code SessionStartInfo} for the run in this directory, as TensorBoard's own
     * {@code hparams_pb} writes it: the plugin data carries the values, the tensor is a placeholder.
     */
    static byte[] hparamsSessionStart(double wallTime, String groupName, Map<String, Object> hyperParameters) {
        ProtoWriter startInfo = new ProtoWriter();
        hyperParameters.forEach((name, value) -> startInfo.message(1, new ProtoWriter().string(1, name).message(2, structValue(value))));
        startInfo.string(4, groupName).fixedDouble(5, wallTime);
        ProtoWriter pluginData = new ProtoWriter().string(1, "hparams")
                .message(2, new ProtoWriter().varint(1, 0).message(3, startInfo));
        ProtoWriter metadata = new ProtoWriter().message(1, pluginData);
        ProtoWriter placeholder = new ProtoWriter().varint(1, DT_FLOAT).message(2, new ProtoWriter()).packedFloat(5, 0f);
        return summaryEvent(wallTime, 0, HPARAMS_TAG, placeholder, metadata);
    }

    /** Reads back the step, wall time, tags and session start of a record written by this class. */
    public static Written read(byte[] event) {
        ProtoReader reader = new ProtoReader(event);
        long step = 0;
        double wallTime = 0;
        boolean sessionStart = false;
        List<String> tags = new ArrayList<>(1);
        int doubleScalars = 0;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> wallTime = reader.doubleValue();
                case 2 -> step = reader.varintValue();
                case 5 -> doubleScalars += readSummary(reader.message(), tags);
                case 7 -> sessionStart = fieldOne(reader.message()) == SESSION_LOG_START;
                default -> reader.skip();
            }
        }
        return new Written(step, wallTime, sessionStart, tags, doubleScalars);
    }

    private static byte[] summaryEvent(double wallTime, long step, String tag, ProtoWriter tensor, ProtoWriter metadata) {
        ProtoWriter value = new ProtoWriter().string(1, tag).message(8, tensor);
        if (metadata != null) {
            value.message(9, metadata);
        }
        ProtoWriter summary = new ProtoWriter().message(1, value);
        return new ProtoWriter().fixedDouble(1, wallTime).varint(2, step).message(5, summary).toByteArray();
    }

    private static ProtoWriter pluginMetadata(String plugin, int dataClass) {
        return new ProtoWriter().message(1, new ProtoWriter().string(1, plugin)).varint(4, dataClass);
    }

    /** A {@code google.protobuf.Value}: number, string or bool. */
    private static ProtoWriter structValue(Object value) {
        if (value instanceof Number number) {
            return new ProtoWriter().fixedDouble(2, number.doubleValue());
        }
        if (value instanceof Boolean bool) {
            return new ProtoWriter().varint(4, bool ? 1 : 0);
        }
        return new ProtoWriter().string(3, String.valueOf(value));
    }

    /** Adds the summary's tags to {@code tags}; returns how many of its values are {@code DT_DOUBLE} tensors. */
    private static int readSummary(ProtoReader summary, List<String> tags) {
        int doubleTensors = 0;
        while (summary.next()) {
            if (summary.field() == 1) {
                ProtoReader value = summary.message();
                while (value.next()) {
                    switch (value.field()) {
                        case 1 -> tags.add(value.string());
                        case 8 -> doubleTensors += fieldOne(value.message()) == DT_DOUBLE ? 1 : 0;
                        default -> value.skip();
                    }
                }
            } else {
                summary.skip();
            }
        }
        return doubleTensors;
    }

    /** The varint in field 1 of a message: {@code TensorProto.dtype}, {@code SessionLog.status}. */
    private static long fieldOne(ProtoReader message) {
        long value = 0;
        while (message.next()) {
            if (message.field() == 1) {
                value = message.varintValue();
            } else {
                message.skip();
            }
        }
        return value;
    }

    private EventProtos() {}
}
