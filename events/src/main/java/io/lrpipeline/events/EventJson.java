package io.lrpipeline.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.time.Instant;

/** The one JSON mapping of the contract. Unknown fields are ignored so that newer producers do not break older consumers. */
public final class EventJson {
    /** Larger payloads are refused before parsing. */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;
    /**
     * The limit for {@link RunState}, which the scheduler writes and which holds a run's history and every worker's
     * applied rates: under Kafka's default 1 MB message size.
     */
    public static final int MAX_STATE_CHARS = 900 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule().addDeserializer(Instant.class, new IsoInstantDeserializer(InstantDeserializer.INSTANT)))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses {@code json} as {@code type}; any malformed, oversized or invalid payload is an {@link InvalidEventException}. */
    public static <T> T read(String json, Class<T> type) {
        return read(json, type, type == RunState.class ? MAX_STATE_CHARS : MAX_PAYLOAD_CHARS);
    }

    /** As {@link #read(String, Class)}, for a record that may be up to {@code limit} characters. */
    public static <T> T read(String json, Class<T> type, int limit) {
        if (json == null) {
            throw new InvalidEventException("payload is missing");
        }
        if (json.length() > limit) {
            throw new InvalidEventException("payload is " + json.length() + " characters, more than " + limit);
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new InvalidEventException("not a valid " + type.getSimpleName() + ": " + firstLine(cause.getMessage()), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private EventJson() {}
}
