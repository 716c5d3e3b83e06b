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

    /** What the sink needs to know of a record it wrote: its step, its tags, whether it starts a session. */
    public record Written(long step, double wallTime, boolean sessionStart, List<String> tags) {}

    /** The first record of every event file. */
    static byte[] fileVersion(double wallTime) {
        return new ProtoWriter().fixedDouble(1, wallTime).string(3, FILE_VERSION).toByteArray();
    }

    /**
     * A scalar as a rank-0 {@code DT_DOUBLE} tensor, so the value is stored exactly (a {@code simple_value}
     * is a float32). {@code withMetadata} marks it for the scalars plugin; TensorBoard needs that on the
     * first value of each tag in each file.
     */
    static byte[] scalar(double wallTime, long step, String tag, double value, boolean withMetadata) {
        ProtoWriter tensor = new ProtoWriter().varint(1, DT_DOUBLE).message(2, new ProtoWriter()).packedDouble(6, value);
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
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> wallTime = reader.doubleValue();
                case 2 -> step = reader.varintValue();
                case 5 -> tags.addAll(summaryTags(reader.message()));
                case 7 -> sessionStart = sessionStatus(reader.message()) == SESSION_LOG_START;
                default -> reader.skip();
            }
        }
        return new Written(step, wallTime, sessionStart, tags);
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

    private static List<String> summaryTags(ProtoReader summary) {
        List<String> tags = new ArrayList<>(1);
        while (summary.next()) {
            if (summary.field() == 1) {
                ProtoReader value = summary.message();
                while (value.next()) {
                    if (value.field() == 1) {
                        tags.add(value.string());
                    } else {
                        value.skip();
                    }
                }
            } else {
                summary.skip();
            }
        }
        return tags;
    }

    private static long sessionStatus(ProtoReader sessionLog) {
        long status = 0;
        while (sessionLog.next()) {
            if (sessionLog.field() == 1) {
                status = sessionLog.varintValue();
            } else {
                sessionLog.skip();
            }
        }
        return status;
    }

    private EventProtos() {}
}
