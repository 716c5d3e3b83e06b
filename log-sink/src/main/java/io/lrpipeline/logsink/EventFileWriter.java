package io.lrpipeline.logsink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * One TensorBoard event file: named {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}, opened with a
 * {@code file_version} record, written whole records at a time, made durable by {@link #flush()}.
 */
public final class EventFileWriter implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final Set<String> taggedForPlugin = new HashSet<>();
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

    private EventFileWriter(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates a new event file in {@code dir}; {@code sequence} keeps names unique within one process. */
    public static EventFileWriter create(Path dir, double wallTime, String host, long pid, int sequence) throws IOException {
        Files.createDirectories(dir);
        String name = "events.out.tfevents.%d.%s.%d.%d".formatted((long) wallTime, host, pid, sequence);
        Path path = dir.resolve(name);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        EventFileWriter writer = new EventFileWriter(path, channel);
        writer.append(EventProtos.fileVersion(wallTime));
        return writer;
    }

    public Path path() {
        return path;
    }

    public void writeScalar(String tag, long step, double value, double wallTime) {
        append(EventProtos.scalar(wallTime, step, tag, value, taggedForPlugin.add(tag)));
    }

    /** Writes what is buffered and forces it to disk, so that a reader sees whole records only. */
    public void flush() throws IOException {
        pending.flip();
        while (pending.hasRemaining()) {
            channel.write(pending);
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
