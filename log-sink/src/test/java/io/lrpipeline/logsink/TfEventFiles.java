package io.lrpipeline.logsink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * An independent reader of TensorBoard event files for tests: its own TFRecord parsing and CRC check,
 * TensorFlow's generated protos for the records. It shares no code with the writer.
 */
public final class TfEventFiles {
    /** One scalar as TensorBoard would show it. */
    public record Scalar(String tag, long step, double value, boolean pluginMetadata) {}

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

    /** The scalars of one file, in file order. */
    public static List<Scalar> readScalars(Path file) throws IOException {
        List<Scalar> scalars = new ArrayList<>();
        for (Event event : readEvents(file)) {
            for (Summary.Value value : event.getSummary().getValueList()) {
                double number = value.hasTensor() ? value.getTensor().getDoubleVal(0) : value.getSimpleValue();
                boolean plugin = value.getMetadata().getPluginData().getPluginName().equals("scalars");
                scalars.add(new Scalar(value.getTag(), event.getStep(), number, plugin));
            }
        }
        return scalars;
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
