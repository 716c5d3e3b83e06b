package io.lrpipeline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantDeserializerTest {
    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T12:00:00Z", "2026-11-24T12:00:00.1Z", "2026-11-24T12:00:00.123Z",
            "2026-11-24T12:00:00.123456789Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
            "2024-02-29T23:59:59.5Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"})
    void readsTheCanonicalShapeAsInstantParseDoes(String text) {
        assertThat(IsoInstantDeserializer.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T12:00:00+01:00", "2026-11-24T12:00:60Z", "2026-02-30T12:00:00Z", "2026-11-24T24:00:00Z",
            "2026-11-24 12:00:00Z", "2026-11-24T12:00:00.Z", "2026-11-24T12:00:00.1234567890Z", "2026-1x-24T12:00:00Z",
            "+12026-11-24T12:00:00Z", "2026-11-24t12:00:00z", "1700000000"})
    void leavesEveryOtherShapeToJacksonsDeserializer(String text) {
        assertThat(IsoInstantDeserializer.parse(text)).isNull();
    }

    @Test
    void agreesWithInstantParseOnWhatTheContractWrites() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-10_000_000_000L, 100_000_000_000L), random.nextInt(1_000_000_000));
            String written = instant.toString();
            assertThat(IsoInstantDeserializer.parse(written)).as(written).isEqualTo(instant);
        }
    }

    @Test
    void theContractStillReadsOffsetsThroughJacksonsDeserializer() {
        String json = "{\"type\":\"worker-finished\",\"runId\":\"r\",\"workerId\":\"w\",\"epochs\":1,\"test\":null,\"at\":\"2026-11-24T13:00:00+01:00\"}";
        assertThat(EventJson.read(json, TrainingMetric.class).at()).isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
    }
}
