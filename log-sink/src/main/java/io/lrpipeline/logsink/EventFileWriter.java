package io.lrpipeline.logsink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One TensorBoard event file, opened with a {@code file_version} record. Records are framed into a buffer
 * and reach the file, whole and forced to disk, only on {@link #flush()}: a reader never sees half a record.
 */
public final class EventFileWriter implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final Set<String> taggedForPlugin = new HashSet<>();
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private long durableLength;

    private EventFileWriter(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates {@code path}, which must not exist, and buffers its {@code file_version} record. */
    public static EventFileWriter create(Path path, double wallTime) throws IOException {
        Files.createDirectories(path.getParent());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        EventFileWriter writer = new EventFileWriter(path, channel);
        writer.append(EventProtos.fileVersion(wallTime));
        return writer;
    }

    public Path path() {
        return path;
    }

    public void writeScalar(String tag, long step, float value, double wallTime) {
        append(EventProtos.scalar(wallTime, step, tag, value, taggedForPlugin.add(tag)));
    }

    public void writeText(String tag, long step, String markdown, double wallTime) {
        append(EventProtos.text(wallTime, step, tag, markdown, taggedForPlugin.add(tag)));
    }

    public void writeSessionStart(long step, double wallTime) {
        append(EventProtos.sessionStart(wallTime, step));
    }

    public void writeHParams(String groupName, Map<String, Object> hyperParameters, double wallTime) {
        append(EventProtos.hparamsSessionStart(wallTime, groupName, hyperParameters));
    }

    /** Bytes on disk after the next {@link #flush()}: what is durable plus what is buffered. */
    public long length() {
        return durableLength + pending.position();
    }

    /** Writes what is buffered and forces it to disk, so that a reader sees whole records only. */
    public void flush() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        while (pending.hasRemaining()) {
            durableLength += channel.write(pending, durableLength);
        }
        pending.clear();
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            flush();
            channel.close();
        }
    }

    private void append(byte[] data) {
        int needed = data.length + RecordWriter.OVERHEAD;
        if (pending.remaining() < needed) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + needed));
            pending.flip();
            larger.put(pending);
            pending = larger;
        }
        RecordWriter.frame(data, pending);
    }
}
