package io.lrpipeline.logsink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing: {@code uint64 length (LE) · uint32 masked_crc32c(length) · data · uint32 masked_crc32c(data)}.
 * The layer below {@link EventFileWriter}; it knows nothing of events.
 */
public final class RecordWriter {
    private static final int MASK_DELTA = 0xa282ead8;
    /** Framing bytes around each record's data. */
    public static final int OVERHEAD = 8 + 4 + 4;

    /** Appends the framed record holding {@code data} to {@code out}, which must have room for it. */
    public static void frame(byte[] data, ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        int start = out.position();
        out.putLong(data.length);
        out.putInt(maskedCrc32c(out, start, 8));
        out.put(data);
        out.putInt(mask(crc32c(data)));
    }

    /** The whole framed record, for tests and small writes. */
    public static byte[] frame(byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(data.length + OVERHEAD);
        frame(data, out);
        return out.array();
    }

    /** CRC32C rotated right by 15 bits plus a constant, as TFRecord stores it. */
    public static int maskedCrc32c(byte[] bytes) {
        return mask(crc32c(bytes));
    }

    static int maskedCrc32c(ByteBuffer buffer, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(from).limit(from + length));
        return mask((int) crc.getValue());
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    private RecordWriter() {}
}
