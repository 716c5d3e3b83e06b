package io.lrpipeline.logsink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Reads TFRecords one at a time from a file, checking both CRCs. It stops, without failing, at the first record
 * that is not whole and valid: {@link #position()} is then the end of the last good record, where a torn tail
 * starts. Reading again later continues from there (a file that is still being written).
 */
public final class RecordReader {
    private static final int HEADER = 12;
    /** Larger lengths are garbage, not records: the sink never writes records near this size. */
    private static final long MAX_RECORD = 64L * 1024 * 1024;

    private final FileChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    public RecordReader(FileChannel channel) {
        this(channel, 0);
    }

    public RecordReader(FileChannel channel, long position) {
        this.channel = channel;
        this.position = position;
    }

    /** The next whole, valid record's data, or {@code null} at the end of the file or at a torn or corrupt record. */
    public byte[] next() throws IOException {
        header.clear();
        if (!readFully(header, position)) {
            return null;
        }
        long length = header.getLong(0);
        if (length < 0 || length > MAX_RECORD || RecordWriter.maskedCrc32c(header, 0, 8) != header.getInt(8)) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate((int) length + 4).order(ByteOrder.LITTLE_ENDIAN);
        if (!readFully(body, position + HEADER)) {
            return null;
        }
        byte[] data = new byte[(int) length];
        body.get(0, data);
        if (RecordWriter.maskedCrc32c(data) != body.getInt((int) length)) {
            return null;
        }
        position += HEADER + length + 4;
        return data;
    }

    /** The end of the last record {@link #next()} returned: everything before it is whole records. */
    public long position() {
        return position;
    }

    private boolean readFully(ByteBuffer buffer, long at) throws IOException {
        long offset = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, offset);
            if (read < 0) {
                return false;
            }
            offset += read;
        }
        return true;
    }
}
