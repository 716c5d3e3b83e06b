package io.lrpipeline.scheduler;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The body of every error the HTTP API answers: one human-readable reason, never a stack trace. */
public record Problem(String error) {
    static Response response(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new Problem(reason)).build();
    }
}
