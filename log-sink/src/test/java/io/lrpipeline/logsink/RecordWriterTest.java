package io.lrpipeline.logsink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RecordWriterTest {
    @Test
    void framesRecordWithLittleEndianLengthAndMaskedCrcs() {
        byte[] framed = RecordWriter.frame("hello".getBytes(StandardCharsets.US_ASCII));

        // Expected bytes computed by a separate bitwise CRC32C implementation.
        assertThat(HexFormat.of().formatHex(framed)).isEqualTo("0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19");
    }

    @Test
    void masksTheStandardCrc32cCheckValue() {
        // CRC32C("123456789") is 0xE3069283; masked: rotate right 15, add 0xa282ead8.
        assertThat(RecordWriter.maskedCrc32c("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xc78ab0e5);
    }

    @Test
    void framesEmptyRecord() {
        assertThat(RecordWriter.frame(new byte[0])).hasSize(RecordWriter.OVERHEAD);
    }
}
