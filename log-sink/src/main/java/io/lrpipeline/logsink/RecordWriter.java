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
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length);
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.put(header.array());
        out.putInt(maskedCrc32c(header.array()));
        out.put(data);
        out.putInt(maskedCrc32c(data));
    }

    /** The whole framed record, for tests and small writes. */
    public static byte[] frame(byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(data.length + OVERHEAD);
        frame(data, out);
        return out.array();
    }

    /** CRC32C rotated right by 15 bits plus a constant, as TFRecord stores it. */
    public static int maskedCrc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    private RecordWriter() {}
}
