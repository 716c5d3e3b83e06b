package io.lrpipeline.trainer.checkpoint;

import io.lrpipeline.events.EventJson;
import io.lrpipeline.events.InvalidEventException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * One checkpoint file: {@code "LRPCKPT1"} · header length (int32) · header (JSON, {@link CheckpointHeader}) · the model
 * (DL4J's format) · model length (int64) · CRC-32C of every byte before it (int32), big-endian. Written to a temporary
 * file, forced to disk, renamed over its name and the directory forced: a reader finds a whole checkpoint or none.
 * Read back, its length must add up and its checksum match before anything in it is believed, so a file cut at any
 * byte or changed anywhere is told apart from a checkpoint.
 */
public final class CheckpointFile {
    private static final byte[] MAGIC = "LRPCKPT1".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER = Long.BYTES + Integer.BYTES;

    /** What writes the model's bytes. */
    @FunctionalInterface
    public interface ModelWriter {
        void write(OutputStream out) throws IOException;
    }

    /** A checkpoint whose bytes are all there and whose checksum matched; its model is read from the file when asked for. */
    public record Verified(Path file, CheckpointHeader header, long modelOffset, long modelLength) {
        /** The model's bytes, as {@link ModelWriter} wrote them. */
        public InputStream openModel() throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(modelOffset);
            return new BufferedInputStream(new BoundedInputStream(Channels.newInputStream(channel), modelLength));
        }
    }

    /** A file that is not a whole, intact checkpoint, and what is wrong with it. */
    public static final class Damaged extends Exception {
        Damaged(String reason) {
            super(reason);
        }
    }

    private CheckpointFile() {}

    /** Writes {@code header} and the model to {@code file} atomically; returns its size. */
    public static long write(Path file, CheckpointHeader header, ModelWriter model) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] json = EventJson.write(header).getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        long size;
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.write(MAGIC);
            out.writeInt(json.length);
            out.write(json);
            long before = out.size();
            model.write(new FilterOutputStream(out) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void close() throws IOException {
                    out.flush(); // the model's writer may close what it is given: the file goes on
                }
            });
            long modelLength = out.size() - before;
            out.writeLong(modelLength);
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            raw.flush();
            channel.force(true);
            size = channel.size();
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
        return size;
    }

    /** The checkpoint in {@code file}, once its length and checksum are right. */
    public static Verified read(Path file) throws IOException, Damaged {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MAGIC.length + Integer.BYTES + TRAILER) {
                throw new Damaged("it is " + size + " bytes long, shorter than any checkpoint: cut off while written?");
            }
            ByteBuffer start = ByteBuffer.allocate(MAGIC.length + Integer.BYTES);
            readFully(channel, start, 0);
            if (!Arrays.equals(Arrays.copyOf(start.array(), MAGIC.length), MAGIC)) {
                throw new Damaged("it does not start as a checkpoint does");
            }
            int headerLength = start.getInt(MAGIC.length);
            long modelOffset = MAGIC.length + Integer.BYTES + (long) headerLength;
            if (headerLength < 0 || modelOffset + TRAILER > size) {
                throw new Damaged("it ends after " + size + " bytes, inside its header of " + headerLength + ": cut off while written?");
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
            readFully(channel, trailer, size - TRAILER);
            long modelLength = trailer.getLong(0);
            if (modelLength != size - TRAILER - modelOffset) {
                throw new Damaged("its " + size + " bytes do not add up to a header of " + headerLength + " and a model of " + modelLength
                        + ": cut off or extended?");
            }
            if (crcOf(channel, size - Integer.BYTES) != trailer.getInt(Long.BYTES)) {
                throw new Damaged("its checksum does not match its bytes: changed or damaged on disk");
            }
            ByteBuffer json = ByteBuffer.allocate(headerLength);
            readFully(channel, json, MAGIC.length + Integer.BYTES);
            CheckpointHeader header;
            try {
                header = EventJson.read(new String(json.array(), StandardCharsets.UTF_8), CheckpointHeader.class);
            } catch (InvalidEventException e) {
                throw new Damaged("its header is not one this trainer reads: " + e.getMessage());
            }
            return new Verified(file, header, modelOffset, modelLength);
        }
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static int crcOf(FileChannel channel, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("file shrank while read");
            }
            buffer.flip();
            crc.update(buffer);
            position += read;
        }
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file shrank while read");
            }
        }
    }

    /** The first {@code remaining} bytes of a stream; closing it closes the stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int read = in.read(bytes, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        /** What is left: DL4J's model reader takes a stream with nothing available for one already read. */
        @Override
        public int available() {
            return (int) Math.min(remaining, Integer.MAX_VALUE);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
