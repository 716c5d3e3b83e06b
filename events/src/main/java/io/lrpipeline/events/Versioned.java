package io.lrpipeline.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Every payload on the wire carries the schema version it was written with. */
public interface Versioned {
    int SCHEMA_VERSION = 1;

    @JsonProperty("schemaVersion")
    default int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
