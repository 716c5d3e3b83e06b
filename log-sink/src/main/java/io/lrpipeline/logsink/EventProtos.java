package io.lrpipeline.logsink;

/**
 * The serialised {@code tensorflow.Event} records a TensorBoard file holds. Field numbers are those of
 * TensorFlow's {@code event.proto}, {@code summary.proto} and {@code tensor.proto}.
 */
final class EventProtos {
    static final String FILE_VERSION = "brain.Event:2";
    private static final int DT_DOUBLE = 2;
    private static final int DATA_CLASS_SCALAR = 1;

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
        ProtoWriter tensor = new ProtoWriter()
                .varint(1, DT_DOUBLE)
                .message(2, new ProtoWriter())
                .packedDouble(6, value);
        ProtoWriter summaryValue = new ProtoWriter().string(1, tag).message(8, tensor);
        if (withMetadata) {
            ProtoWriter pluginData = new ProtoWriter().string(1, "scalars");
            summaryValue.message(9, new ProtoWriter().message(1, pluginData).varint(4, DATA_CLASS_SCALAR));
        }
        ProtoWriter summary = new ProtoWriter().message(1, summaryValue);
        return new ProtoWriter().fixedDouble(1, wallTime).varint(2, step).message(5, summary).toByteArray();
    }

    private EventProtos() {}
}
